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

# The page checkers the browser tests run (vnu.jar, axe-core), pinned by package-lock.json.
# Without npm the tests that need them skip with a reason (and fail under CI).
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: HTML and accessibility checks will skip"; exit 0; }; \
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null && touch $@

## run: set up and serve the demo site on SQLite at http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_accounts
	@echo "Serving http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: lint, then the whole suite (DATABASE_URL when set, else SQLite)
test: $(STAMP) node_modules/.installed lint
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
	rm -rf $(VENV) var .pytest_cache .ruff_cache node_modules
