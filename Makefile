# Two commands for a newcomer: `make demo` and `make test`. Everything else is for the team.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
CHROMIUM := /usr/bin/chromium

.PHONY: demo test test-fast lint bench bench-licensing bench-trace bench-complaints install browser services-stop clean-data messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads its own).
browser:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

demo: install
	$(BIN)/python -m regulator.demo

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install bench-licensing bench-trace bench-complaints

bench-licensing: install
	$(BIN)/python tests/bench/licensing_bench.py

# BENCH_EVENTS=1000000 for the issue's size (default 300000 on a shared 2-core machine).
bench-trace: install
	$(BIN)/python tests/bench/trace_bench.py

# BENCH_COMPLAINTS (default 1000000 stored), BENCH_SECONDS (20) and BENCH_WORKERS (4) of filing, BENCH_ROUNDS (300).
bench-complaints: install
	$(BIN)/python tests/bench/complaints_bench.py

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

services-stop: install
	$(BIN)/python -m regulator.embedded stop

clean-data: install
	$(BIN)/python -m regulator.embedded wipe
