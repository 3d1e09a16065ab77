# k8s-internals — every target sets itself up on a fresh Debian machine with only Python 3.11.
#   make lab    install what is missing, then open the workbook in JupyterLab
#   make test   install what is missing, then run the whole suite (lint, import contract, tests)
#   make bench  install what is missing, then run the benchmarks in benchmarks/
#   make book   install what is missing, then build the Jupyter Book into book/_build/html
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APT_STAMP := .make/apt.done
# The official Python client's newer generations, each in its own small venv (.venv keeps 32.x,
# whose models match the 1.32 API served): the classic 36.x and the pydantic rewrite 37.x, run
# by tests/api/http/test_python_client_versions.py against `k8s-internals serve`.
CLIENT_VERSIONS := 36 37
CLIENT_STAMPS := $(foreach v,$(CLIENT_VERSIONS),.venv-client$(v)/.installed)
# Debian packages the project needs: graphviz (dot) for diagrams, a real etcd for the store's
# second backend and the etcd chapter, Chromium for the browser tests (driven by Playwright,
# never `playwright install`), npm to fetch the book's widget scripts from the npm registry.
APT_PACKAGES := graphviz etcd-server etcd-client chromium chromium-driver npm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install clients lab test test-unit test-browser test-notebooks lint bench demo notebooks book clean apt

help:
	@echo "make lab    - set up (apt packages, .venv, pip install -e .[dev]) and open JupyterLab"
	@echo "make test   - set up and run lint, the import contract and every test"
	@echo "make bench  - set up and run benchmarks/ (figures and ratios)"
	@echo "make demo   - the headless end-to-end demo"
	@echo "make book   - build the Jupyter Book (executes every chapter) into book/_build/html"
	@echo "make notebooks - re-execute notebooks/, exercises/, solutions/ in place (nbclient)"
	@echo "make install - set up only (idempotent)"
	@echo "make clients - only the venvs of the official Python client 36.x and 37.x"

install: $(APT_STAMP) $(STAMP) $(CLIENT_STAMPS)

# apt: install only what is missing; the stamp records the package list that was checked.
$(APT_STAMP): Makefile
	@missing=""; \
	command -v dot >/dev/null     || missing="$$missing graphviz"; \
	command -v etcd >/dev/null    || missing="$$missing etcd-server"; \
	command -v etcdctl >/dev/null || missing="$$missing etcd-client"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v npm >/dev/null     || missing="$$missing npm"; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  for i in 1 2 3; do \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing && break; \
	    echo "apt busy, retrying"; sleep 5; \
	  done; \
	fi; \
	for c in dot etcd etcdctl chromium chromedriver npm; do command -v $$c >/dev/null || { echo "missing $$c after apt"; exit 1; }; done
	@mkdir -p $(dir $@) && touch $@

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

# .venv-client36/.installed: python3 -m venv .venv-client36, then pip install 'kubernetes==36.*'
.venv-client%/.installed: Makefile | $(APT_STAMP)
	@test -x .venv-client$*/bin/python || $(PYTHON) -m venv .venv-client$*
	.venv-client$*/bin/python -m pip install -q 'kubernetes==$*.*'
	@touch $@

clients: $(CLIENT_STAMPS)

lab: install
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True,)

lint: install
	$(BIN)/ruff check k8s_internals tests benchmarks
	$(BIN)/lint-imports

# The whole suite: lint and the import contract, then three jobs side by side (most of the unit
# suite waits on real etcd / real time, the notebook jobs are CPU-bound): pytest over tests/
# without the browser tests, the notebooks themselves (strict nbval on the chapters, lax on the
# solutions) and the book (executes every chapter and solution, warnings are errors); then the
# browser tests, which read the book just built. --output-sync keeps each job's output together.
NBVAL_STRICT := --nbval --nbval-current-env --nbval-sanitize-with tests/notebooks/nbval_sanitize.cfg
test: lint
	$(MAKE) --no-print-directory -j3 --output-sync=target test-unit test-notebooks book
	$(MAKE) --no-print-directory test-browser

test-unit: install
	$(BIN)/python -m pytest -q -m "not browser"

test-browser: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -m browser tests/browser

test-notebooks: install
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
	  echo "nbval (strict): notebooks/"; \
	  $(BIN)/python -m pytest -q -p no:cacheprovider $(NBVAL_STRICT) notebooks/; \
	fi
	@if ls solutions/*.ipynb >/dev/null 2>&1; then \
	  echo "nbval (lax): solutions/"; \
	  $(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env solutions/; \
	fi

book: install
	$(BIN)/python book/build_book.py

bench: install
	$(BIN)/python -m benchmarks

demo: install
	$(BIN)/k8s-internals demo

notebooks: install
	$(BIN)/python scripts/execute_notebooks.py notebooks exercises solutions

clean:
	rm -rf $(VENV) $(foreach v,$(CLIENT_VERSIONS),.venv-client$(v)) .make build *.egg-info .pytest_cache .ruff_cache book/_build book/_widgets test-output
