# Kechuang — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_ENTERPRISES ?= 3000
DEMO_SEED ?= 2025
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: run setup serve test lint unit browser-deps bench clean messages

$(VENV)/.installed: pyproject.toml requirements/lock.txt
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing python3-venv (Debian)…"; \
	  apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(PIP) install -q -r requirements/lock.txt
	$(PIP) install -q --no-deps -e .
	@touch $@

# Database, static files and demo data (idempotent: a second run adds nothing twice).
setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed
	$(PY) manage.py demo --enterprises $(DEMO_ENTERPRISES) --seed $(DEMO_SEED)

# Serve with gunicorn (production WSGI server, whitenoise-compressed static files, DEBUG off)
# and a background-job worker beside it; Ctrl-C stops both.
run: setup serve

serve: $(VENV)/.installed
	@echo "Kechuang: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(PY) manage.py db_worker --interval 1 >var/worker.log 2>&1 & \
	  worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  DEBUG=0 $(VENV)/bin/gunicorn kechuang.wsgi:application --bind $(HOST):$(PORT) --workers 3 \
	    --access-logfile - --error-logfile -

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(PY) scripts/lint_project.py

# Debian's Chromium for the browser tests (never `playwright install`).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian chromium and CJK fonts for browser tests…"; \
	    (apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)); \
	  else echo "chromium missing and not root: browser tests will be skipped"; fi; \
	fi

unit: $(VENV)/.installed
	$(VENV)/bin/pytest

test: lint browser-deps unit

bench: $(VENV)/.installed
	$(PY) bench/run.py

# Chinese msgids are the source; only English needs a catalogue. Needs Debian's gettext.
messages: $(VENV)/.installed
	cd src/kechuang && ../../$(PY) ../../manage.py makemessages -l en --no-obsolete \
	  --ignore "policy/*" --ignore "planextract/*"
	cd src/kechuang && ../../$(PY) ../../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) var
