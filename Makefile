# Two commands do everything: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install site serve test check browser clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Extract sources/ into timeline/, then build the site into site/.
site: $(STAMP)
	$(PY) -m builder extract --sources sources --timeline timeline
	$(VENV)/bin/mkdocs build --clean --site-dir site

serve: $(STAMP)
	$(VENV)/bin/mkdocs serve

check: $(STAMP)
	$(PY) -m builder check

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm install --no-audit --no-fund --silent

test: $(STAMP) browser
	$(PY) -m pytest -n 2 -q

clean:
	rm -rf site .pytest_cache
