# cmdesk — two commands on a fresh machine: `make run` and `make test`.
# Everything is installed into .venv from requirements.lock (pinned, universal).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HEADLESS := .venv-headless
LOCALES := $(patsubst %.po,%.mo,$(wildcard src/cmdesk/locale/*/LC_MESSAGES/cmdesk.po))
# Tests never touch the user's real data, keyring or display.
TEST_ENV := QT_QPA_PLATFORM=offscreen CMDESK_HOME= PYTHONDONTWRITEBYTECODE=1

.PHONY: run test lint format typecheck test-headless bench screenshots dist icons i18n setup clean pds

setup: $(STAMP) $(LOCALES)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "cmdesk needs Python 3.11 or newer, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# Compiled catalogues are build products: French .po files are the source.
src/cmdesk/locale/%/LC_MESSAGES/cmdesk.mo: src/cmdesk/locale/%/LC_MESSAGES/cmdesk.po $(STAMP)
	$(PY) -m babel.messages.frontend compile -D cmdesk -d src/cmdesk/locale -l $* --statistics

run: setup
	$(PY) -m cmdesk gui

lint: setup
	$(BIN)/ruff check --no-cache src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix src tests bench tools
	$(BIN)/ruff format src tests bench tools

# The engine (everything below ui/) must run where PySide6 is not installed.
$(HEADLESS)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(HEADLESS)
	grep -viE '^(pyside6|shiboken6|pytest-qt)' requirements.lock > $(HEADLESS)/requirements.txt
	$(HEADLESS)/bin/python -m pip install --quiet --upgrade "pip>=24"
	$(HEADLESS)/bin/python -m pip install --quiet -r $(HEADLESS)/requirements.txt
	$(HEADLESS)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

test-headless: $(HEADLESS)/.installed $(LOCALES)
	$(TEST_ENV) $(HEADLESS)/bin/python -m pytest -q -p no:pytestqt --ignore=tests/ui tests

# The reference Bluesky server the connector tests publish to (Node, from npm): installed
# once per lock file outside the repository (~/.cache/cmdesk-pds), in about 4 minutes.
pds:
	tests/publish/pds/install.sh

test: setup lint $(HEADLESS)/.installed pds
	$(TEST_ENV) $(PY) -m pytest -q tests
	$(MAKE) --no-print-directory test-headless

i18n: setup
	$(PY) -m babel.messages.frontend extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output -o src/cmdesk/locale/cmdesk.pot src
	$(PY) -m babel.messages.frontend update -i src/cmdesk/locale/cmdesk.pot -d src/cmdesk/locale -D cmdesk --no-fuzzy-matching

# The million-mention and 100,000-interaction workspaces are built once into bench/.cache/.
# classifier.py: type, sentiment and language proposals on tests/data/messages.csv.
bench: setup
	$(PY) -m compileall -q src bench  # an installed app runs from bytecode, never from source
	$(PY) bench/classifier.py
	$(PY) bench/startup.py
	$(PY) bench/search.py
	$(PY) bench/refresh.py
	$(PY) bench/inbox.py
	$(PY) bench/csv_import.py
	$(PY) bench/report.py

screenshots: setup
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) tools/screenshots.py --out docs/screenshots
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) tools/widget_screenshots.py --out docs/screenshots
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) tools/calendar_screenshots.py --out docs/screenshots

# The installers' icons (PNG, .ico, .icns in installers/icons/, committed) rendered from
# src/cmdesk/resources/icons/app.svg: run after changing the SVG.
icons: setup
	QT_QPA_PLATFORM=offscreen $(PY) tools/make_icons.py

# The Linux bundle (PyInstaller onedir), its tarball and .deb; fails above 160 MB.
dist: setup
	installers/linux/build.sh

clean:
	rm -rf $(VENV) $(HEADLESS) dist build .pytest_cache .mypy_cache .ruff_cache
