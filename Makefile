# The two commands: `make run` (the bot on the embedded SQLite default) and `make test` (the
# whole suite). Each sets up what it needs on a fresh clone: a virtualenv in .venv with the
# project installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-postgres lint check bench install browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/agilebot migrate
	$(BIN)/agilebot run

# The suite runs in parallel (pytest-xdist), one process, database and Slack double each: one
# worker more than the cores, since about a third of the suite waits on Slack's timing
# (Retry-After, timeouts, a slow double) rather than using a core.
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

test: $(STAMP) browser
	$(BIN)/pytest -n $(WORKERS)

# The install pages are clicked through in Debian's headless Chromium (tests/e2e): installed
# with apt when missing and possible (as root); else those tests are skipped, and say why.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && \
	      apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; }; }; } || \
	echo "chromium is not installed: the browser tests will be skipped"

# The suite on PostgreSQL (the test database is created if missing).
test-postgres: $(STAMP) browser
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/agilebot_test} $(BIN)/pytest -n $(WORKERS)

# Lint and types, the same checks as the pre-commit hooks (.pre-commit-config.yaml).
lint: $(STAMP)
	$(BIN)/ruff check bot charts migrations tests bench
	$(BIN)/ruff format --check bot charts migrations tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.bench_ack
