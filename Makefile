# Guildhall: `make run` serves the demo, `make test` runs every check. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
GUILDHALL := $(BIN)/guildhall
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install assets lint messages clean browser office hyperscan-dev

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml setup.py guildhall/checker/_views.c guildhall/checker/_native.c | $(BIN)/activate hyperscan-dev
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed node_modules/.installed

assets: install
	$(GUILDHALL) collectstatic --noinput -v0

# Serve over plain HTTP on this machine with a production server (gunicorn) and the
# job runner (huey) for reminders; behind a TLS proxy leave HTTPS at its default.
run: assets office
	$(GUILDHALL) migrate --noinput -v0
	$(GUILDHALL) seed_demo --if-empty
	HTTPS=$${HTTPS:-false} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} bash -c 'trap "kill 0" EXIT; \
	  $(GUILDHALL) run_huey --workers 1 --logfile var/huey.log >/dev/null 2>&1 & \
	  $(BIN)/gunicorn guildhall.wsgi --bind $(HOST):$(PORT) --workers 2 --log-level warning \
	    --access-logfile var/access.log & \
	  sleep 2; echo; \
	  echo "Demo accounts (<organization>-<role>), password of every one: guildhall-demo"; \
	  $(GUILDHALL) demo_logins; echo; \
	  echo "Guildhall is at http://$(HOST):$(PORT)/  (Ctrl-C stops it; logs in var/access.log and var/huey.log)"; \
	  wait'

# Intel's Hyperscan library and headers, which the checker's C engine (_native.c) links
# (Debian ships it for amd64 only; elsewhere the engine is not built and the Python rules
# run, with identical findings).  Not Vectorscan 5.4.9: it misses matches with
# start-of-match reporting (see docs/checker.md).
hyperscan-dev:
	@if [ ! -f /usr/include/hs/hs.h ] && [ "$$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then \
	  echo "installing libhyperscan-dev (Debian package) for the checker's C engine"; \
	  $$(command -v sudo) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$(command -v sudo) apt-get install -y -qq libhyperscan-dev >/dev/null; \
	fi

# Debian's Chromium with its translations (the file picker's own text in Chinese) and a CJK
# font for readable screenshots, for the browser tests.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q . || \
	    [ ! -d /usr/lib/chromium/locales ] || [ ! -f /usr/lib/chromium/locales/zh-CN.pak ]; then \
	  echo "installing chromium, chromium-l10n and fonts-wqy-microhei (Debian packages) for the browser tests"; \
	  $$(command -v sudo) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$(command -v sudo) apt-get install -y -qq chromium chromium-l10n fonts-wqy-microhei >/dev/null; \
	fi

# LibreOffice without a GUI and Tesseract OCR: the checker converts legacy Office and
# WPS files and reads text in images and scanned PDF pages with them.
office:
	@if ! command -v soffice >/dev/null || ! command -v tesseract >/dev/null || \
	    ! command -v pdftoppm >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -q chi_sim || \
	    ! fc-list | grep -q "Noto Serif CJK" || ! fc-list | grep -q "UKai"; then \
	  echo "installing LibreOffice (writer, calc), Tesseract (chi_sim), poppler-utils and the free CJK fonts that stand in for the official ones in PDFs (Debian packages)"; \
	  $$(command -v sudo) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$(command -v sudo) apt-get install -y -qq libreoffice-writer-nogui \
	    libreoffice-calc-nogui tesseract-ocr tesseract-ocr-chi-sim poppler-utils \
	    fonts-noto-cjk fonts-arphic-ukai >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

test: install browser office lint
	$(GUILDHALL) check --fail-level WARNING
	$(GUILDHALL) makemigrations --check --dry-run -v0
	DJANGO_SETTINGS_MODULE=guildhall.settings_test $(BIN)/pytest -q -ra -n auto

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	mkdir -p bench/results
	$(BIN)/python bench/checker_bench.py
	$(BIN)/python bench/pages_bench.py
	$(BIN)/python bench/reports_bench.py
	$(BIN)/python bench/load_bench.py

# Regenerate and compile the translations after changing user-visible text.
messages: install
	cd guildhall && ../$(GUILDHALL) makemessages -l zh_Hans --no-obsolete --no-location
	cd guildhall && ../$(GUILDHALL) compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) node_modules var
