# aesseuji — everything a developer runs. `make run` and `make test` need only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
TRANSLATIONS := campaign/translations

.PHONY: run test install lint bench messages compile-messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) compile-messages

compile-messages: $(STAMP)
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

## run: install, migrate the SQLite database in instance/, load demo data once, serve on $(PORT)
run: install
	$(BIN)/flask --app campaign dev --port $(PORT)

## test: the whole suite (PostgreSQL tests run when TEST_DATABASE_URL is set)
test: install
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check campaign tests

## bench: the product under gunicorn over HTTP (wrk) beside a bare and a write floor, on SQLite
##   and on PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set; tables in bench/results/
##   (`python -m bench record`: record_action in process, counter_shards=1 vs 8)
bench: install
	$(BIN)/python -m bench

## messages: list translatable strings that still lack Korean (add them with
##   $(BIN)/python -m campaign.translations.catalog add translations.json)
messages: $(STAMP)
	$(BIN)/python -m campaign.translations.catalog check

clean:
	rm -rf $(VENV) .pytest_cache
