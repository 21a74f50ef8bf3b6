# Two commands on a fresh machine:  `make run`  and  `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# WeasyPrint's libraries (HarfBuzz subsetting makes certificates ~5x faster) and
# Debian's Chromium for the browser tests; installed only when missing, as root.
system-deps:
	@bash .ci/system-deps

run: system-deps setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py serve_dev $(ADDR)

test: system-deps setup
	$(PY) -m pytest -n auto $(PYTEST_ARGS)
