# Two commands for a fresh machine (see README):
#   make outputs   install everything, then run the Prefect flow on samples/ into outputs/
#   make test      install everything, then run the tests
VENV := .venv
PYTHON := $(VENV)/bin/python

.PHONY: outputs test bench schema

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

outputs: $(VENV)/.installed
	$(PYTHON) -m flows.extract samples/ --out outputs/

test: $(VENV)/.installed
	$(PYTHON) -m pytest

bench: $(VENV)/.installed
	$(PYTHON) benchmarks/bench.py

schema: $(VENV)/.installed
	$(PYTHON) -m pipeline schema
