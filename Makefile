# One command to set up and build the maps, one to set up and run the tests (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: maps test clean-venv

$(BIN)/mapgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/mapgen
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# --png (maps/<slug>.png) when Debian's chromium is installed; without it the committed PNGs stay valid
maps: $(BIN)/mapgen
	$(BIN)/mapgen build $(if $(shell command -v chromium),--png,)

test: $(VENV)/.test-deps
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
