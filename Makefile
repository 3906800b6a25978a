# `make run` sets everything up and serves the site; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# axe-core for the accessibility test (package.json); installed again only when it changes.
NODE_STAMP := node_modules/.installed-stamp

.PHONY: run test lint setup demo clean-var

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

setup: $(STAMP) $(NODE_STAMP)

# Local settings for a new checkout: DEBUG on, everything else at its server-less default.
.env:
	cp .env.example .env

demo: $(STAMP) .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py demo_staff

run: demo
	@echo "Serving http://127.0.0.1:8000 with a Celery worker and beat. Ctrl-C stops all three."
	$(BIN)/honcho -f Procfile.dev start

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: bench

# Load benchmarks against PostgreSQL, Redis, gunicorn, a worker and a local SMTP sink on
# this machine, then the growth run: each path at a small and a large size
# (docs/benchmarks.md). BENCH_QUICK=1 for smaller counts.
bench: $(STAMP)
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.growth

.PHONY: backup restore

# The database to var/backups/<time>.<ext> (VAR_DIR/backups), or to FILE=...
backup: $(STAMP)
	$(BIN)/python manage.py backup $(if $(FILE),--output "$(FILE)")

# Replaces the whole database with FILE: naming the file is the confirmation.
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Say which backup to restore: make restore FILE=var/backups/<file>" >&2; exit 2; }
	$(BIN)/python manage.py restore --yes "$(FILE)"
