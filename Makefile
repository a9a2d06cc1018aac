# The README's commands. Everything is installed into project-local venvs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := cd example_site && ../$(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for make test (JOBS=0: one process, e.g. for pdb)
JOBS ?= auto
# What make test runs (TESTS=tests/press: one folder)
TESTS ?= tests

.PHONY: demo test test-browser test-postgres lint messages install clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

## make demo: fresh venv, migrate, demo content, server on http://127.0.0.1:8000 (SQLite)
demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) b52_demo
	$(MANAGE) demo_home
	$(MANAGE) demo_admin
	$(MANAGE) runserver $(HOST):$(PORT)

## make test: the full pytest suite on SQLite, one worker per core (browser suite: make test-browser)
test: install
	B52_TEST_CLOCK=$(CLOCK) $(BIN)/python -m pytest $(TESTS) --ignore=tests/browser -q -n $(JOBS) $(PYTEST_ARGS)

test-browser: install
	$(BIN)/python -m pytest tests/browser -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check b52_wagtail tests example_site benchmarks
	cd example_site && ../$(BIN)/python manage.py makemigrations --check --dry-run

## make messages: update the German and English catalogues of every app and compile them
messages: install
	$(BIN)/python -m b52_wagtail.i18n update

clean:
	rm -rf $(VENV) .venv-* example_site/db.sqlite3 example_site/media example_site/private build dist *.egg-info
