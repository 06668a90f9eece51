# Kefu — the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
KEFU := $(VENV)/bin/kefu
STAMP := $(VENV)/.installed
DEMO_HOME ?= demo-data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint format bench install system-deps system-deps-test clean

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,spark]'
	@touch $(STAMP)

install: $(STAMP)

system-deps:
	@scripts/system-deps.sh runtime

system-deps-test:
	@scripts/system-deps.sh test

## make demo: generate a demo courier centre, import it and show it.
demo: $(STAMP) system-deps
	$(PY) -m kefu.demo.run --home $(DEMO_HOME) --host $(HOST) --port $(PORT)

## make test: install everything the tests need, lint, run the whole suite.
test: $(STAMP) system-deps-test lint
	$(PY) -m pytest -q -n 2 --dist loadgroup

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

## make bench: measure import, indicators and scoring; figures go to bench/results/.
bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache
