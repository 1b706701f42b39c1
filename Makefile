# zhengan: two commands do everything on a fresh machine.
#   make run   set up, then serve the demo firm on the embedded default (SQLite, local files)
#   make test  set up, then lint and pass every test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
PROFILE ?= examples/profiles/first_category_securities.yaml
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test setup system-deps python-deps lint format soa clean

setup: system-deps python-deps

system-deps:
	@scripts/install-system-deps.sh

python-deps: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "zhengan needs Python 3.11+ / 需要 Python 3.11 以上"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The main job: migrate, load the demo firm (first-category example profile) with one user per role,
# print their one-time initial passwords, and serve on http://127.0.0.1:8000.
run: setup
	$(BIN)/zhengan demo

soa: setup
	$(BIN)/zhengan soa --profile $(PROFILE) --format table

lint: python-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: python-deps
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

# Every test on the embedded default (SQLite), then the web application's tests again on PostgreSQL.
test: setup lint
	$(BIN)/zhengan catalog validate
	$(BIN)/pytest
	DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/web

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
