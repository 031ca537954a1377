# Two commands do the whole set-up on a fresh machine:
#   make run    starts the app on its default local database
#   make test   runs the whole test suite
# Both create .venv and install the project into it on first use (and after pyproject.toml
# changes), and bring the system libraries Qt needs (see tools/qt-system-libs).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@tools/qt-system-libs --screen
	$(BIN)/interviewer

# four test processes even on two cores: most tests wait on real subprocesses and files
test: $(STAMP)
	@tools/qt-system-libs
	$(BIN)/python -m pytest -n 4

bench: $(STAMP)
	$(BIN)/python -m benchmarks

screenshots: $(STAMP)
	@tools/qt-system-libs
	$(BIN)/python -m interviewer.ui.screenshots docs/screenshots
