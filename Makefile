# Developer commands. `make run` and `make test` work on a fresh machine with
# Python 3.11+ and no servers (SQLite, Celery tasks run in-process).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000
# axe-core for the accessibility checks of `make e2e`, from npm, unpacked into e2e/.axe/.
AXE_VERSION := 4.14.1
AXE_STAMP := e2e/.axe/axe-core-$(AXE_VERSION).installed

.PHONY: run test lint limits types contracts security format worker beat bench load e2e check-deploy install clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Demo: MFA is switched off (a banner says so on every page); production refuses that.
# Served with DEBUG off, as a user sees it: the application's own error pages, static
# files collected for whitenoise. Emails the demo sends go to sent-mail/, one file each.
# DEBUG=true make run shows Django's debug pages instead. The demo's DMV is New York's
# (DMV_STATE: its own agencies' ORIs start with NY).
RUN_ENV := DMV_REQUIRE_MFA=false DEBUG=$${DEBUG:-false} DMV_STATE=$${DMV_STATE:-NY}
run: $(STAMP)
	@$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	@$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	@DEMO_PASSWORD="$${DEMO_PASSWORD:-$$(cat .demo-password 2>/dev/null)}" $(RUN_ENV) \
		$(BIN)/python manage.py seed_demo --password-file .demo-password
	@$(RUN_ENV) $(BIN)/python manage.py seed_letterheads -v 0 >/dev/null
	@$(RUN_ENV) $(BIN)/python manage.py seed_switch_log --entries 20000 --seed 1 >/dev/null
	@$(RUN_ENV) $(BIN)/python manage.py seed_outbound_demo -v 0 >/dev/null
	@echo
	@echo "  Open http://$(HOST):$(PORT)/  (emails the demo sends are in sent-mail/)"
	@echo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest -q -n 2 -m "not imap and not worker" $(PYTEST_ARGS)

lint: $(STAMP) contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory limits

# No module above 600 lines (migrations and tests aside), no function above complexity C
# (radon); docs/architecture.md.
limits: $(STAMP)
	$(BIN)/python tools/check_limits.py

# mypy with django-stubs; the configuration is in pyproject.toml (docs/architecture.md).
types: $(STAMP)
	$(BIN)/mypy

# App boundaries (import-linter, contracts in pyproject.toml): a forbidden import fails
# the build. docs/decisions/0006-app-boundaries.md.
contracts: $(STAMP)
	$(BIN)/lint-imports

# Static security analysis: any finding of medium or high severity fails.
security: $(STAMP)
	$(BIN)/bandit -q -r accounts dmvrequests -x '*/tests/*,*/migrations/*' --severity-level medium

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: $(STAMP)
	$(BIN)/celery -A dmvrequests worker --loglevel=info --concurrency=2

beat: $(STAMP)
	$(BIN)/celery -A dmvrequests beat --loglevel=info

# Every figure at 20,000 and at 1,000,000 cases, as JSON in bench/results/, then how each
# page's p95 grew between the two (docs/performance.md). Seeding the million takes ~30 min.
bench: $(STAMP)
	$(BIN)/python bench/run.py --cases 20000 --database dmv_bench_20k --json
	$(BIN)/python bench/run.py --cases 1000000 --database dmv_bench --json
	$(BIN)/python bench/run.py --growth bench/results/bench-20000.json bench/results/bench-1000000.json

# 60 seconds, 50 signed-in sessions, gunicorn driven by locust on 127.0.0.1 (docs/performance.md).
load: $(STAMP)
	$(BIN)/python bench/run.py --load

# Browser journeys in Debian's Chromium with axe-core on every page (docs/accessibility.md).
# Runs on SQLite by default, on PostgreSQL when DATABASE_URL names one; refreshes
# docs/screenshots/. Not part of `make test` (pyproject's testpaths leave e2e/ out).
e2e: $(STAMP) $(AXE_STAMP)
	bash .ci/chromium.sh
	$(BIN)/pytest e2e -m e2e -p no:xdist $(PYTEST_ARGS)

$(AXE_STAMP):
	rm -rf e2e/.axe && mkdir -p e2e/.axe
	cd e2e/.axe && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
		&& tar -xzf axe-core-$(AXE_VERSION).tgz && mv package axe-core && rm axe-core-$(AXE_VERSION).tgz
	touch $@

check-deploy: $(STAMP)
	DJANGO_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	ALLOWED_HOSTS=dmv.example.gov DATABASE_URL=sqlite:///check.sqlite3 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 .demo-password private-media staticfiles sent-mail
