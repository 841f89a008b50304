# aesseuji — everything a developer runs. `make run` and `make test` need only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
TRANSLATIONS := campaign/translations

LOCK_RUNTIME := requirements/runtime.txt
LOCK_DEV := requirements/dev.txt
LOCK_BUILD := requirements/build.txt
# One resolution for every platform and Python >= 3.11, with the hash of every file.
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 --quiet

.PHONY: run test install lint lock audit bench soak messages compile-messages clean

# Exactly the locked versions, each checked against its hash; then the project itself, without
# resolving anything (--no-deps) or fetching build tools (they are in the lock).
$(STAMP): pyproject.toml $(LOCK_DEV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_DEV)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP) compile-messages

compile-messages: $(STAMP)
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

## run: install, migrate the SQLite database in instance/, load demo data once, serve on $(PORT)
run: install
	$(BIN)/flask --app campaign dev --port $(PORT)

## test: the whole suite (PostgreSQL tests run when TEST_DATABASE_URL is set)
## test: the whole suite in two worker processes, one test file per worker at a time
test: install
	$(BIN)/pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check campaign tests
	$(BIN)/ruff format --check campaign tests
	$(BIN)/lint-imports

## lock: re-resolve requirements/*.txt after a change to pyproject.toml's dependencies
##   (keeps every other pin; `make lock UPGRADE=--upgrade` moves everything to the newest)
lock: $(STAMP)
	$(UV_COMPILE) $(UPGRADE) -o $(LOCK_RUNTIME)
	$(UV_COMPILE) $(UPGRADE) --extra dev -o $(LOCK_DEV)
	$(BIN)/uv pip compile requirements/build.in --generate-hashes --universal --python-version 3.11 --quiet $(UPGRADE) -o $(LOCK_BUILD)

## audit: known vulnerabilities in every locked version (PyPI's advisory data). Fails on any
##   vulnerability and when PyPI cannot be reached; a package PyPI has no record of is listed as
##   skipped (`make audit AUDIT_STRICT=--strict` fails on those too)
audit: $(STAMP)
	$(BIN)/pip-audit $(AUDIT_STRICT) --progress-spinner off --disable-pip --require-hashes -s pypi -r $(LOCK_DEV)

## bench: the product under gunicorn over HTTP (wrk) beside a bare and a write floor, on SQLite
##   and on PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set; tables in bench/results/
##   (`python -m bench record`: record_action in process, counter_shards=1 vs 8)
bench: install
	$(BIN)/python -m bench

## soak: a bounded mixed load with faults (a worker killed, the database cut, the scheduler
##   restarted across a campaign's end) against gunicorn + PostgreSQL + Redis; needs
##   TEST_DATABASE_URL; SOAK_SECONDS (default 120); prints one table, exit 1 on any violation
soak: install
	$(BIN)/python -m tests.soak

## messages: list translatable strings that still lack Korean (add them with
##   $(BIN)/python -m campaign.translations.catalog add translations.json)
messages: $(STAMP)
	$(BIN)/python -m campaign.translations.catalog check

clean:
	rm -rf $(VENV) .pytest_cache
