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

# --svg: the print graphic; --png (maps/<slug>.png, the print graphic rasterised) when Debian's chromium and
# the playwright package (a test extra) are installed; without them a committed PNG stays while it is valid
PNG = $(shell command -v chromium >/dev/null 2>&1 && $(BIN)/python -c "import playwright" 2>/dev/null && echo --png)

maps: $(BIN)/mapgen
	$(BIN)/mapgen build --svg $(PNG)

test: $(VENV)/.test-deps
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
