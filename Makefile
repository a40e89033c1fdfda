# contentstack.personalize: developer entry points.
#   make demo   set up, start the emulator, run the main job, print what it did
#   make test   set up and run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.deps-installed
COLLROOT := $(CURDIR)/$(VENV)/collections
COLLLINK := $(COLLROOT)/ansible_collections/contentstack/personalize

# Everything below runs with the venv's tools and sees this checkout as the installed collection.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLROOT)
export PYTHONPATH := $(COLLROOT)
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_FORCE_COLOR := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup test unit contract integration demo clean

help:
	@echo "make demo   - set up, start the local emulator, copy the seed project, print the report"
	@echo "make test   - set up and run every test"
	@echo "make clean  - remove the virtualenv and generated files"

$(STAMP): requirements.txt requirements-test.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-test.txt
	@touch $@

$(COLLLINK):
	@mkdir -p $(dir $@)
	@ln -sfn $(CURDIR) $@

setup: $(STAMP) $(COLLLINK)

# Unit and contract tests run serially (the rate-limiter measurement wants a quiet machine);
# integration tests, each a real ansible-playbook against its own emulator, run on 2 workers.
test: setup
	$(BIN)/python -m pytest -q tests/unit tests/contract
	$(BIN)/python -m pytest -q -n 2 tests/integration

demo: setup
	$(BIN)/python tools/demo.py

clean:
	rm -rf $(VENV) .pytest_cache out
