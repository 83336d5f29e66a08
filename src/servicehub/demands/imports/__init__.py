"""Reading other tools' histories of client requests. Parsing is pure; the actions write."""
