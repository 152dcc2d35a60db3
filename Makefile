# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench install clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# The tests run in parallel (pytest-xdist). Most of their time is spent waiting — on `loa`
# processes, sockets, timers, Chromium — so more workers than cores pays; TEST_WORKERS=0 runs
# them in this one process. Each worker has its own SQLite files and PostgreSQL schema.
TEST_WORKERS ?= 4

test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q -n $(TEST_WORKERS) --durations=10

bench: $(STAMP)
	$(BIN)/python -m benchmarks

demo: $(STAMP)
	LOA_CONFIG=config.toml bash scripts/demo.sh

clean:
	rm -rf $(VENV) var
