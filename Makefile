# keyworks — `make demo` runs the demo on SQLite; `make test` runs lint and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
ASSETS := src/keyworks/static/vendor/.installed

.PHONY: demo test test-sqlite test-postgres test-browser lint format bench assets install clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(ASSETS)

$(ASSETS): package.json package-lock.json scripts/copy_assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/copy_assets.mjs
	touch $(ASSETS)

assets: $(ASSETS)

demo: install
	PORT=$(PORT) $(BIN)/keyworks demo --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# SQLite always; PostgreSQL too when the server answers (CI starts it).
test: install lint
	$(BIN)/pytest -m "not browser"
	@if $(BIN)/python scripts/pg_ready.py; then \
	  KEYWORKS_DATABASE_URL=$${KEYWORKS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/keyworks} \
	    $(BIN)/pytest -m "not browser"; \
	else echo "PostgreSQL not reachable: PostgreSQL run skipped"; fi
	$(BIN)/pytest -m browser

test-sqlite: install
	$(BIN)/pytest

# Page and import benchmarks on SQLite, then on PostgreSQL with the deadline-day load test
# (gunicorn, 200 simulated users, Redis as the shared cache) when the server answers.
bench: install
	$(BIN)/python bench/run.py
	@if $(BIN)/python scripts/pg_ready.py; then \
	  $(BIN)/python bench/run.py --database-url $${KEYWORKS_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/keyworks_bench} && \
	  $(BIN)/python bench/load.py --write; \
	else echo "PostgreSQL not reachable: PostgreSQL benchmarks and the load test skipped"; fi

# Compile the translation catalogues (src/keyworks/<app>/locale/en/LC_MESSAGES/django.po).
# The compiled .mo files are committed, so neither the demo nor a deployment needs gettext;
# tests/core/test_i18n.py checks that they match their sources.
messages: $(STAMP)
	cd src/keyworks && ../../$(BIN)/keyworks compilemessages --ignore 'static/*' --ignore 'templates/*'

clean:
	rm -rf $(VENV) var node_modules src/keyworks/static/vendor
