# The two commands: `make site` sets up and builds the site; `make test` sets up and runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test setup setup-test browser lint serve bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e .

setup-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Debian's Chromium for the browser tests (Playwright drives it; it cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

site: setup
	$(BIN)/mkdocs build --strict

serve: setup
	$(BIN)/mkdocs serve

lint: setup-test
	$(BIN)/ruff check scripts tests
	$(BIN)/mypy

test: setup-test browser lint
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered

bench: setup-test browser
	$(BIN)/python scripts/bench.py

fuzz: setup-test
	$(BIN)/python scripts/fuzz_fastyaml.py --texts 1000000

clean:
	rm -rf site test-artifacts .pytest_cache .mypy_cache .ruff_cache
