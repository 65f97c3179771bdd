# Two commands on a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# CI and `make test` also run the suite on PostgreSQL (trust auth on this machine).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/textbooks
# Two workers: the suite waits on the database as much as on the CPU. Not --dist loadfile:
# pytest-django runs the transactional tests (which flush the database) after the others, and
# whole files per worker would put a file's ordinary tests after another file's flush.
PYTEST_ARGS ?= -n 2 --durations=15
# The browser journeys drive the same views and services in the SQLite pass; the PostgreSQL
# pass runs everything else, which holds every test that depends on the database (row locks,
# concurrency). On a quiet 2-core machine the SQLite pass takes about 7 minutes and the
# PostgreSQL pass 6 (a fresh clone's `.ci/run`, install included: 14 min 18 s on 2026-12-02);
# about twice that when other work shares the machine. --durations names the slowest tests.
# Run the journeys on PostgreSQL too with `make test-postgres POSTGRES_PYTEST_ARGS=`.
POSTGRES_PYTEST_ARGS ?= -m "not browser"

.PHONY: install demo test lint check test-sqlite test-postgres browser-deps pdf-deps clean bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(INSTALLED)

install: $(INSTALLED)

demo: install pdf-deps
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Browser tests drive Debian's chromium through Playwright (`playwright install` cannot
# download browsers here). Installed when missing and we may; otherwise those tests skip
# and say why.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null)) \
	    && echo "installed chromium for browser tests"; \
	  else echo "chromium missing and not root: browser tests will be skipped"; fi; \
	fi

# Edition PDFs (WeasyPrint) need Debian's Pango and the WenQuanYi font; the print tests read
# QR codes back with zbar. Installed when missing and we may; otherwise PDFs are refused with
# a message naming these packages, and the print tests skip and say why.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei libzbar0
pdf-deps:
	@missing="$$(for p in $(PDF_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -q $$missing >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null)) \
	    && echo "installed" $$missing "for edition PDFs"; \
	  else echo "missing" $$missing "and not root: edition PDFs and their tests are unavailable"; fi; \
	fi

test-sqlite: install browser-deps pdf-deps
	@echo "=== pytest on SQLite ==="
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install browser-deps pdf-deps
	@echo "=== pytest on PostgreSQL ($(POSTGRES_URL)) ==="
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS) $(POSTGRES_PYTEST_ARGS)

test: lint check test-sqlite test-postgres

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache

# Every benchmark on one generated catalogue (benchmarks/bench.py, benchmarks/README.md):
# generated on the first run (100,000 textbooks: about half an hour on this loaded machine),
# reused after. One table; the same in benchmarks/results/<UTC time>.json.
BENCH_TEXTBOOKS ?= 100000
BENCH_DATABASE_URL ?= $(POSTGRES_URL)_bench

bench: install
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} BENCH_TEXTBOOKS=$(BENCH_TEXTBOOKS) \
	  $(BIN)/python benchmarks/bench.py
