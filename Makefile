# Platform Directory. On a fresh machine: `make run` to serve the demo site,
# `make test` to run every test. `make help` lists the rest.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
# Stamps: reinstall only when the dependency lists change.
PY_STAMP := $(VENV)/.installed
JS_STAMP := node_modules/.installed
# The linters that npm installs (package.json), run from the project's own copy.
NODE_BIN := node_modules/.bin

.DEFAULT_GOAL := help
.PHONY: help install run serve serve-prepare bench-pages seed test test-postgres lint lint-python lint-imports lint-templates lint-css lint-js format bench bench-relevance services-stop clean distclean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(PY_STAMP) $(JS_STAMP) ## Virtualenv (.venv) with the Python packages; axe-core and the JS/CSS linters from npm

$(PY_STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

$(JS_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for axe-core and the linters (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# `make run` is the embedded set-up: SQLite, the database search backend and a
# local-memory cache, whatever DATABASE_URL, ELASTICSEARCH_URL or REDIS_URL the
# shell happens to hold.
LOCAL_ENV := env -u DATABASE_URL -u ELASTICSEARCH_URL -u REDIS_URL DJANGO_SETTINGS_MODULE=cms.settings.dev

seed: $(PY_STAMP) ## Migrate and (re)build the demo site (idempotent)
	$(LOCAL_ENV) $(MANAGE) migrate --no-input
	$(LOCAL_ENV) $(MANAGE) seed_demo

run: install ## Serve the demo site on http://127.0.0.1:8000 (SQLite; seeds when empty)
	$(LOCAL_ENV) $(MANAGE) migrate --no-input
	@if $(LOCAL_ENV) $(MANAGE) shell --no-imports -c "import sys; from cms.models import HomePage; sys.exit(0 if HomePage.objects.exists() else 1)"; then \
		echo "The site already has a home page: not seeding (make seed to refresh the demo)."; \
	else \
		$(LOCAL_ENV) $(MANAGE) seed_demo; \
	fi
	$(LOCAL_ENV) $(MANAGE) runserver 127.0.0.1:8000

# `make serve` is production on this machine: cms.settings.production under
# gunicorn (cms/gunicorn.conf.py, 2 sync workers) on 127.0.0.1:8001, over the
# same SQLite demo data as `make run`, with collected (hashed, compressed)
# static files. Production needs a secret key and HTTPS; these are the local
# stand-ins, given here and nowhere else. REDIS_URL, when the shell has one,
# is the cache; otherwise production's fallback cache.
SERVE_ENV := $(LOCAL_ENV) DJANGO_SETTINGS_MODULE=cms.settings.production \
	SECRET_KEY=local-serve-only-not-a-production-secret-5f0c2a9e71d4b8 \
	ALLOWED_HOSTS=127.0.0.1,localhost SITE_BASE_URL=http://127.0.0.1:8001 \
	SECURE_SSL_REDIRECT=false

# The fallback cache's table first: migrate forgets what the cache kept
# (cms.apps), and without REDIS_URL that cache is the table.
serve-prepare: install
	$(SERVE_ENV) $(MANAGE) createcachetable
	$(SERVE_ENV) $(MANAGE) migrate --no-input
	@if ! $(LOCAL_ENV) $(MANAGE) shell --no-imports -c "import sys; from cms.models import HomePage; sys.exit(0 if HomePage.objects.exists() else 1)"; then \
		$(LOCAL_ENV) $(MANAGE) seed_demo; \
	fi
	$(SERVE_ENV) $(MANAGE) collectstatic --no-input --verbosity 0

# The real cache too: a local Redis (scripts/redis) is started for the run
# and stopped after it, unless it was running already.
serve: serve-prepare ## Serve the demo site as in production (gunicorn, production settings, Redis) on http://127.0.0.1:8001
	$(SERVE_ENV) scripts/with-services --no-elasticsearch -- $(VENV)/bin/gunicorn -c cms/gunicorn.conf.py cms.wsgi:application

bench-pages: serve-prepare ## Page benchmarks (bench/pages.py) through `make serve`'s gunicorn, cold and warm
	$(SERVE_ENV) scripts/with-services --no-elasticsearch -- $(PY) bench/pages.py

# pytest-django prefers DJANGO_SETTINGS_MODULE over pyproject's cms.settings.test.
TEST_ENV := env -u DJANGO_SETTINGS_MODULE

# The suite: every linter (make lint), Django's own checks, then every test;
# Elasticsearch and Redis are started (and stopped again) unless
# ELASTICSEARCH_URL and REDIS_URL name them. pytest exits non-zero on failures
# and when no test ran (exit 5).
test: install lint ## Lint, checks, then every test (starts a local Elasticsearch and Redis if needed)
	$(LOCAL_ENV) $(MANAGE) check --fail-level WARNING
	$(LOCAL_ENV) $(MANAGE) makemigrations --check --dry-run
	$(TEST_ENV) scripts/with-services -- $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install ## Every test again, against a throwaway PostgreSQL
	$(TEST_ENV) scripts/with-services --postgres -- $(PY) -m pytest $(PYTEST_ARGS)

# `make lint` is every linter; `make test` runs it first, so the two cannot
# drift. .pre-commit-config.yaml runs the same commands before each commit.
lint: lint-python lint-imports lint-templates lint-css lint-js ## Every linter: ruff, import-linter, djLint, stylelint, ESLint

lint-python: $(PY_STAMP) ## ruff: lint and formatting
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lint-imports: $(PY_STAMP) ## import-linter: the layers of docs/architecture.md (.importlinter)
	$(VENV)/bin/lint-imports --no-cache

lint-templates: $(PY_STAMP) ## djLint over the Django templates (lint only)
	$(VENV)/bin/djlint --lint .

lint-css: $(JS_STAMP) ## stylelint over static/**/*.css
	$(NODE_BIN)/stylelint 'static/**/*.css'

lint-js: $(JS_STAMP) ## ESLint over the scripts (static/**/*.js, the config files)
	$(NODE_BIN)/eslint .

format: $(PY_STAMP) ## ruff: fix what can be fixed, then format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install ## Search benchmarks (bench/run.py): database vs Elasticsearch
	scripts/with-services -- $(PY) bench/run.py

bench-relevance: install ## Search relevance on the judged queries (bench/relevance/): both backends vs a naive reference
	scripts/with-services -- $(PY) bench/relevance/run.py

services-stop: ## Stop the local Elasticsearch, PostgreSQL and Redis if they run
	scripts/elasticsearch stop
	scripts/postgres stop
	scripts/redis stop

clean: ## Remove test output, collected static files and caches
	rm -rf test-output staticfiles .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean services-stop ## Also remove .venv, node_modules, .cache (services) and the SQLite database
	rm -rf $(VENV) node_modules .cache db.sqlite3 media
