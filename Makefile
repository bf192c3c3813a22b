# The two commands of README.md: `make demo` and `make test`. Needs only Python 3.11 and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[devstore]'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.test-installed

## Set up, migrate, start the stand-in and the app, install the demo shop, print the URL.
demo: $(VENV)/.demo-installed
	$(BIN)/python -m devstore.demo

## Set up and run the whole test suite (SQLite + in-process queue unless DATABASE_URL/REDIS_URL are set).
test: $(VENV)/.test-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance test-artifacts
