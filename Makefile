# Two entry points for a fresh Debian machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PLAN   ?= sessions/psm-torino-2024.toml
HOST   ?= 0.0.0.0
PORT   ?= 5000

.PHONY: run test install install-test translations system-test-deps extract benchmark clean

run: install translations
	$(BIN)/facilitation serve $(PLAN) --host $(HOST) --port $(PORT)

test: install-test translations system-test-deps
	$(BIN)/python -m pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Stamps: reinstall only when pyproject.toml changes, so `make run` starts fast the second time.
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

# Catalogues are compiled, not committed: the .po files are the source of truth.
translations: install
	$(BIN)/pybabel compile -d facilitation/translations > /dev/null

# The browser tests drive Debian's chromium (Playwright cannot download its own browser here).
system-test-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

# Refresh the translation template and catalogues after changing user-facing strings.
extract: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -o facilitation/translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i facilitation/translations/messages.pot -d facilitation/translations

# Prints numbers (ratios against a baseline from the same run); not part of `make test`.
benchmark: install-test
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python benchmarks/vote_burst.py --phones 300

clean:
	rm -rf $(VENV) build *.egg-info
