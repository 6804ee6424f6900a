# Developer commands. `make run` and `make test` work on a fresh machine with
# Python 3.11+ and no servers (SQLite, Celery tasks run in-process).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint security format worker beat bench e2e check-deploy install clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Demo: MFA is switched off (a banner says so on every page); production refuses that.
run: $(STAMP)
	DMV_REQUIRE_MFA=false $(BIN)/python manage.py migrate --noinput
	@if [ ! -f .demo-password ]; then \
		DMV_REQUIRE_MFA=false $(BIN)/python manage.py seed_demo --password-file .demo-password; \
	fi
	@echo
	@echo "  Open http://$(HOST):$(PORT)/ and sign in as clerk, clerk2, counsel, counsel2, admin or auditor"
	@echo "  with the password: $$(cat .demo-password)"
	@echo
	DMV_REQUIRE_MFA=false $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest -q -n 2 -m "not imap and not worker" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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

bench: $(STAMP)
	$(BIN)/python bench/run.py

check-deploy: $(STAMP)
	DJANGO_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	ALLOWED_HOSTS=dmv.example.gov DATABASE_URL=sqlite:///check.sqlite3 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 .demo-password private-media staticfiles
