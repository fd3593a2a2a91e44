# make run   install (first time) and run the whole pipeline on $(RAW_DOCS), writing $(OUT)
# make test  install (first time) and run the tests
# make test-quick  the unit-level tier only (pytest -m "not slow"), under a minute
# make bench time extraction (and normalisation) on the dev corpus and on a 10x copy
RAW_DOCS ?= raw_docs
OUT ?= extracted
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-quick bench install clean

run: $(STAMP)
	$(BIN)/threshold run --raw-docs "$(RAW_DOCS)" --out "$(OUT)"

test: $(STAMP)
	$(BIN)/python -m pytest

test-quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

bench: $(STAMP)
	$(BIN)/python bench/bench.py

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(OUT)/interim $(OUT)/.cache build *.egg-info .pytest_cache
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +
