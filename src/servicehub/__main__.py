from servicehub.cli import main

raise SystemExit(main())
