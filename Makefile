# One-command set-up: every target creates .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/taskflow-gui resources/examples/seed_example.taskflow.json

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	$(VENV)/bin/ruff check .

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# processes 1.0.5 and dask, the engines the benchmarks compare against, come with the extras.
bench: $(STAMP)
	$(PY) bench/overhead.py --big

clean:
	rm -rf $(VENV) build *.egg-info
