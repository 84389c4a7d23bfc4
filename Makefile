# Newsroom: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrate demo check-deploy clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The checkers the browser tests run (vnu.jar, axe-core) and the body editor's build tools
# (ProseMirror, esbuild), all pinned by package-lock.json. Without npm the tests that need
# them skip with a reason, and the desk falls back to the plain-text body box (under CI,
# CI=true, a missing npm fails).
node_modules/.installed: package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ -n "$$CI" ]; then echo "npm not found: CI needs it (apt-get install npm)" >&2; exit 1; fi; \
	  echo "npm not found: HTML and accessibility checks will skip, the desk's body editor is not built"; \
	  exit 0; \
	fi; \
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null && touch $@

# The desk's body editor, bundled into one static file (npm run build; see README).
EDITOR_BUNDLE := editors/static/editors/build/body-editor.js
$(EDITOR_BUNDLE): node_modules/.installed package.json $(wildcard editors/frontend/*.js)
	@if ! command -v npm >/dev/null || [ ! -d node_modules/esbuild ]; then \
	  if [ -n "$$CI" ]; then echo "cannot build $@: npm or node_modules/esbuild is missing" >&2; exit 1; fi; \
	  echo "npm not found: $@ not built; the desk shows the plain-text body box instead"; \
	  exit 0; \
	fi; \
	npm run --silent build

## run: set up and serve the demo site on SQLite at http://$(HOST):$(PORT)
run: $(STAMP) $(EDITOR_BUNDLE)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_accounts
	@echo "Serving http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: lint, then the whole suite (DATABASE_URL when set, else SQLite)
test: $(STAMP) node_modules/.installed $(EDITOR_BUNDLE) lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

## bench: the reader site under load at BENCH_ARTICLES generated stories, on PostgreSQL
## (database newsroom_bench_<N> on DATABASE_URL's server); BENCH_REUSE=1 keeps a database that
## already holds that many. See README, "Performance".
BENCH_ARTICLES ?= 2000
BENCH_REUSE ?= 0
bench: $(STAMP)
	BENCH_ARTICLES=$(BENCH_ARTICLES) BENCH_REUSE=$(BENCH_REUSE) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache node_modules editors/static/editors/build
