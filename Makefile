# The two commands: `make run` (the bot on the embedded SQLite default) and `make test` (the
# whole suite). Each sets up what it needs on a fresh clone: a virtualenv in .venv with the
# project installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-postgres lint check bench install

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/agilebot migrate
	$(BIN)/agilebot run

# The suite runs on every core (pytest-xdist): one process, database and Slack double each.
test: $(STAMP)
	$(BIN)/pytest -n auto

# The suite on PostgreSQL (the test database is created if missing).
test-postgres: $(STAMP)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/agilebot_test} $(BIN)/pytest -n auto

# Lint and types, the same checks as the pre-commit hooks (.pre-commit-config.yaml).
lint: $(STAMP)
	$(BIN)/ruff check bot charts migrations tests bench
	$(BIN)/ruff format --check bot charts migrations tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.bench_ack
