# servicehub — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export SERVICEHUB_HOME ?= $(CURDIR)
export PORT

.PHONY: run test lint messages install install-dev clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "servicehub needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt $(VENV)/.run-deps
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.run-deps messages
install-dev: $(VENV)/.dev-deps messages

# Translations are compiled at install time from the committed .po files (needs GNU gettext's msgfmt).
messages: $(VENV)/.run-deps
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install GNU gettext (apt-get install gettext)"; exit 1; }
	cd src/servicehub && $(abspath $(BIN))/servicehub compilemessages --verbosity 0

run: install
	$(BIN)/servicehub migrate --noinput --verbosity 0
	$(BIN)/servicehub collectstatic --noinput --verbosity 0
	$(BIN)/servicehub demo --if-empty
	$(BIN)/servicehub serve --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
