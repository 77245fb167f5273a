# rnnviz: the two commands a new user needs.
#
#   make lab    install everything and open JupyterLab on notebooks/start_here.ipynb
#   make lecture  (extra) the lecture notebook as an offline Voila app on 127.0.0.1:8866
#   make test   install everything the tests need and run them all (what CI runs)
#
# Each creates its own virtual environment in .venv; nothing relies on what was
# installed by hand. Re-running is cheap: installs are redone only when
# pyproject.toml or js/package-lock.json change.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEPS_HASH := $(shell cat pyproject.toml js/package.json js/package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
LAB_STAMP := $(VENV)/.lab-$(DEPS_HASH)
TEST_STAMP := $(VENV)/.test-$(DEPS_HASH)
HOST ?= 127.0.0.1
PORT ?= 8888

.PHONY: lab lecture test install-lab install-test js lint test-js test-py bench chromium clean

# Offline-friendly: no news feed, no update check, no extension-manager queries to PyPI.
LAB_FLAGS := --ip=$(HOST) --port=$(PORT) --LabApp.news_url=None \
  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  --LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root)

# JupyterLab's defaults for this venv: no "get Jupyter news?" prompt over the views.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

$(LAB_OVERRIDES): share/lab-overrides.json $(LAB_STAMP)
	mkdir -p $(dir $@) && cp $< $@

lab: install-lab $(LAB_OVERRIDES)
	$(BIN)/jupyter lab $(LAB_FLAGS) --ServerApp.open_browser=$${OPEN_BROWSER:-True} notebooks/start_here.ipynb

# Present offline: the lecture notebook as a Voila app (template without CDN fonts).
lecture: install-lab
	JUPYTER_PATH=notebooks/share/jupyter $(BIN)/voila notebooks/lecture.ipynb \
	  --template=rnnviz-offline --Voila.ip=$(HOST) --port=8866 --no-browser

test: install-test chromium lint test-js test-py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

js/node_modules/.package-lock.json: js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund --loglevel=error

$(LAB_STAMP): $(BIN)/python js/node_modules/.package-lock.json
	$(BIN)/pip install --quiet -e ".[lab]"
	touch $@

$(TEST_STAMP): $(BIN)/python js/node_modules/.package-lock.json
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(LAB_STAMP)

install-lab: $(LAB_STAMP) js
install-test: $(TEST_STAMP) js

# The editable install built the bundle once; rebuild so JS edits are always picked up.
js: js/node_modules/.package-lock.json
	cd js && npm run --silent build

chromium:
	@bash scripts/ensure-chromium.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd js && npx --no-install biome ci .

test-js: js
	cd js && npm test --silent

test-py: install-test
	KERAS_BACKEND=torch $(BIN)/python -m pytest tests notebooks \
	  --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg

bench: install-test chromium
	$(BIN)/python benchmarks/bench_sim.py

clean:
	rm -rf $(VENV) js/node_modules rnnviz/static artifacts
