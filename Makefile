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

.PHONY: run setup serve test lint unit browser-deps run-deps bench clean messages

$(VENV)/.installed: pyproject.toml requirements/lock.txt
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing python3-venv (Debian)…"; \
	  apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(PIP) install -q -r requirements/lock.txt
	$(PIP) install -q --no-deps -e .
	@touch $@

# What the running platform needs from Debian: WeasyPrint's libraries and CJK fonts for the
# PDF report (installed when missing and root; docs/deploy.md lists them for production).
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk

run-deps:
	@missing=$$(for p in $(RUN_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing" $$missing "for the PDF report…"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    (apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing \
	      >/dev/null)); \
	  else echo "missing" $$missing "and not root: PDF reports will fail"; fi; \
	fi

# Database, static files and demo data (idempotent: a second run adds nothing twice), and the
# monthly indicator snapshots of the demo plan's past months. var/ (database, uploads, job
# results, logs) is the owner's only; the first manage.py run makes this instance's own
# random key into var/secret_key (0600) unless SECRET_KEY is set — never a public default.
setup: $(VENV)/.installed run-deps
	@mkdir -p var && chmod 0700 var
	$(PY) manage.py migrate --noinput -v0
	@stamp=$$($(PY) scripts/static_stamp.py) && \
	if [ -f var/static/.sources.sha256 ] && [ "$$(cat var/static/.sources.sha256)" = "$$stamp" ]; \
	then echo "Static files unchanged since the last run: collectstatic skipped"; \
	else echo "Collecting and compressing static files (about a minute; skipped next time)…" && \
	  $(PY) manage.py collectstatic --noinput -v0 && echo "$$stamp" > var/static/.sources.sha256; fi
	$(PY) manage.py seed
	$(PY) manage.py demo --enterprises $(DEMO_ENTERPRISES) --seed $(DEMO_SEED)
	$(PY) manage.py kpi_snapshot --backfill --year 2025

# Serve with gunicorn (production WSGI server, whitenoise-compressed static files, DEBUG off),
# a supervised background-job worker (run_worker: restarted when it dies, no autoreloader) and
# the scheduler (job reaper, monthly snapshots, certificate reminders) beside it; Ctrl-C stops
# all three.
run: setup serve

serve: $(VENV)/.installed
	@echo "Kechuang: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(PY) manage.py run_worker --interval 1 >var/worker.log 2>&1 & \
	  worker=$$!; \
	  $(PY) manage.py scheduler >var/scheduler.log 2>&1 & \
	  scheduler=$$!; trap "kill $$worker $$scheduler 2>/dev/null" EXIT INT TERM; \
	  TZ=$${TIME_ZONE:-Asia/Shanghai} DEBUG=0 $(VENV)/bin/gunicorn kechuang.wsgi:application --bind $(HOST):$(PORT) --workers 3 \
	    --access-logfile - --error-logfile -

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(PY) scripts/lint_project.py

# Debian's Chromium for the browser tests (never `playwright install`); WeasyPrint's
# libraries and CJK fonts for the PDF report, and LibreOffice Writer (headless, ~50 packages,
# ~15 s) with poppler to open the generated .docx/.pdf in the monthly-report tests.
REPORT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
	poppler-utils libreoffice-writer-nogui

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian chromium and CJK fonts for browser tests…"; \
	    (apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)); \
	  else echo "chromium missing and not root: browser tests will be skipped"; fi; \
	fi
	@missing=$$(for p in $(REPORT_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing" $$missing "for the monthly-report tests…"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    (apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing \
	      >/dev/null)); \
	  else echo "missing" $$missing "and not root: the monthly-report tests will fail"; fi; \
	fi

unit: $(VENV)/.installed
	$(VENV)/bin/pytest

test: lint run-deps browser-deps unit

bench: $(VENV)/.installed
	$(PY) bench/run.py

# Chinese msgids are the source; only English needs a catalogue. Needs Debian's gettext.
messages: $(VENV)/.installed
	cd src/kechuang && ../../$(PY) ../../manage.py makemessages -l en --no-obsolete \
	  --ignore "policy/*" --ignore "planextract/*"
	cd src/kechuang && ../../$(PY) ../../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) var
