# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck unit bench clean chromium pango pgserver

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

# The web app on http://localhost:8765/ (SQLite, bundled plan); the first page creates the
# profile after the safety questions. `supple init` still works for terminal users.
run: $(STAMP)
	$(BIN)/supple serve

# The browser tests drive Debian's Chromium; root installs it, anyone else is told how.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "note: the browser tests need Chromium: sudo apt-get install chromium (they are skipped without it)"; \
	  fi; \
	fi

# The printable plan and report (WeasyPrint) draw text with Debian's Pango and need a font;
# root installs them, anyone else is told how.
PANGO_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core
pango:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0' \
	    || [ -z "$$(fc-list 2>/dev/null)" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PANGO_DEBS); \
	  else \
	    echo "note: the PDF exports need Pango: sudo apt-get install $(PANGO_DEBS)"; \
	  fi; \
	fi

# The database-restart fault test starts a PostgreSQL cluster of its own (initdb, pg_ctl):
# root installs Debian's server binaries, anyone else is told how.
pgserver:
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else \
	    echo "note: the database-restart test needs PostgreSQL's server: sudo apt-get install postgresql"; \
	  fi; \
	fi

test: $(DEVSTAMP) chromium pango pgserver
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

bench: $(DEVSTAMP)
	$(BIN)/python bench/cli_startup.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/player_timing.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
