# Two entry points, both idempotent on a fresh clone:
#   make run   - create .venv, install, open the app on the default database
#   make test  - create .venv, install with test extras, run the whole suite on every core
# Both install with constraints.txt: the exact versions the suite (and its snapshots) passed on.
# `make run` shares the venv with `make test`, so it gets them too, which is what a person
# running from a clone wants: the versions known to work. An install from the metadata alone
# (pip, pipx or uv tool install) takes the ranges in pyproject.toml instead.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test clean

run: $(STAMP)
	$(BIN)/csi-tui

test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "csi-tui needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
