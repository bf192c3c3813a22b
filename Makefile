# The two commands of README.md: `make demo` and `make test`. Needs only Python 3.11 and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test fuzz setup clean node-deps

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
## With node on the machine, tests/contract's pinned @shopify/shopify-api and tests/browser's axe-core and
## web-vitals are installed first (npm ci), so the contract test runs; without node that one test is skipped.
## Each is installed again only when its package-lock.json changed (npm ci writes node_modules/.package-lock.json),
## so a second `make test` reinstalls nothing.
## Four pytest-xdist workers, a file each at a time (a module's fixtures, such as the demo, are built once);
## they wait on servers more than they compute, so four beat two on a 2-core machine. XDIST= runs serially.
## --no-loadscope-reorder: files are handed out in collection order, the longest first (tests/conftest.py,
## LONGEST_FIRST), not sorted by their number of tests.
XDIST ?= -n 4 --dist loadfile --no-loadscope-reorder
NODE_DEPS := tests/contract/node_modules/.package-lock.json tests/browser/node_modules/.package-lock.json \
  web-assets/node_modules/.package-lock.json
node-deps: $(NODE_DEPS)

%/node_modules/.package-lock.json: %/package-lock.json
	@if command -v node >/dev/null 2>&1; then \
	  npm ci --prefix $* --no-audit --no-fund --loglevel=error >/dev/null \
	    || echo "npm ci in $* failed: the test that needs it installs it again or is skipped"; \
	fi

test: $(VENV)/.test-installed $(NODE_DEPS)
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

## The fuzzing net's long profile (bench/fuzz.py): FUZZ_STORMS storms of FUZZ_DELIVERIES signed, fuzzed webhook
## deliveries each, random draws, on PostgreSQL and Redis on 127.0.0.1 (FUZZ_ARGS=--sqlite: none needed).
## The suite runs its short profile.
FUZZ_STORMS ?= 200
FUZZ_DELIVERIES ?= 100
fuzz: $(VENV)/.test-installed
	$(BIN)/python bench/fuzz.py --storms $(FUZZ_STORMS) --deliveries $(FUZZ_DELIVERIES) $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) instance test-artifacts tests/contract/node_modules
