# k8s-internals — every target sets itself up on a fresh Debian machine with only Python 3.11.
#   make lab    install what is missing, then open the workbook in JupyterLab
#   make test   install what is missing, then run the whole suite (lint, import contract, tests)
#   make bench  install what is missing, then run the benchmarks in benchmarks/
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APT_STAMP := .make/apt.done
# Debian packages the project needs: graphviz (dot) for diagrams, a real etcd for the store's
# second backend and the etcd chapter.
APT_PACKAGES := graphviz etcd-server etcd-client
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install lab test lint bench demo notebooks clean apt

help:
	@echo "make lab    - set up (apt packages, .venv, pip install -e .[dev]) and open JupyterLab"
	@echo "make test   - set up and run lint, the import contract and every test"
	@echo "make bench  - set up and run benchmarks/ (figures and ratios)"
	@echo "make demo   - the headless end-to-end demo"
	@echo "make install - set up only (idempotent)"

install: $(APT_STAMP) $(STAMP)

# apt: install only what is missing; the stamp records the package list that was checked.
$(APT_STAMP): Makefile
	@missing=""; \
	command -v dot >/dev/null     || missing="$$missing graphviz"; \
	command -v etcd >/dev/null    || missing="$$missing etcd-server"; \
	command -v etcdctl >/dev/null || missing="$$missing etcd-client"; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing$$missing"; \
	  for i in 1 2 3; do \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing && break; \
	    echo "apt busy, retrying"; sleep 5; \
	  done; \
	fi; \
	for c in dot etcd etcdctl; do command -v $$c >/dev/null || { echo "missing $$c after apt"; exit 1; }; done
	@mkdir -p $(dir $@) && touch $@

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

lab: install
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True,)

lint: install
	$(BIN)/ruff check k8s_internals tests benchmarks
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks

demo: install
	$(BIN)/k8s-internals demo

notebooks: install
	@echo "no chapters yet: notebooks are added by the workbook issue"

clean:
	rm -rf $(VENV) .make build *.egg-info .pytest_cache .ruff_cache
