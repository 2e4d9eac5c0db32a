# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KPI_DB ?= data/kpi.sqlite
export KPI_DB

.PHONY: run test soak bench lint clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(KPI_DB): | $(VENV)/.installed
	$(PY) -m kpicore init

run: $(VENV)/.installed $(KPI_DB)
	KPI_LOCAL_MODE=1 $(PY) -m streamlit run streamlit_app.py --server.address 127.0.0.1

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

soak: $(VENV)/.installed  # long runs: many writers, many kills (prints their tables)
	$(PY) -m pytest -m soak -s

bench: $(VENV)/.installed
	$(PY) bench/bench.py --markdown docs/benchmarks.md
	$(PY) bench/bench_spc.py

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
