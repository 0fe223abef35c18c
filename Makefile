# Two commands for a newcomer:  make run   and   make test
# Everything else here is what those two are made of.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 (the Lambda runtime) when one that runs is found, else the machine's python3 (3.11+).
# (A pyenv shim for python3.13 exists even where that version is not active: try each one.)
PYENV_313 := $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13)))
FIRST_PYTHON = $(shell for p in $(1); do "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	>/dev/null 2>&1 && { command -v "$$p"; break; }; done)
PY313 := $(call FIRST_PYTHON,$(PYENV_313) python3.13)
PYTHON_BASE ?= $(or $(PY313),$(call FIRST_PYTHON,python3),python3)
# sam build needs the runtime's Python on PATH.
PY313_DIR := $(if $(PY313),$(dir $(PY313)),)

VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
STAMP := $(VENV)/.installed
# The pinned locks (make lock writes them from the .in files beside them).
REQS := requirements-dev.txt layers/shared/requirements.txt $(wildcard functions/*/requirements.txt)

FUNCTION ?= AvailabilityFunction
EVENT ?= events/availability_intent.json

.PHONY: help run test test-clock lock lint format invoke chat events build validate bench bench-parser bench-conversations load token fuzz-api clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(STAMP): $(REQS)
	@test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(SAM): 
	@test -x $(SAM_VENV)/bin/python || $(PYTHON_BASE) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli

run: $(STAMP) ## run it locally: API :3000, Lambda endpoint :3001, DynamoDB :8000 (ARGS="--persist .local-data/bookings.json")
	$(PY) -m local.run $(ARGS)

invoke: $(STAMP) ## run one function once, like sam local invoke (FUNCTION=BookingFunction EVENT=events/booking_slot.json)
	$(PY) -m local.invoke $(FUNCTION) $(EVENT) $(ARGS)

chat: $(STAMP) ## chat with the running local API in the terminal (USER_ID=alice; TOKEN=... in sign-in mode)
	$(PY) -m local.chat $(if $(USER_ID),--user $(USER_ID)) $(if $(TOKEN),--token $(TOKEN)) $(ARGS)

test: $(STAMP) $(SAM) ## run every test (unit, functional, local stack, sam build), then again on odd days
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	PATH="$(PY313_DIR):$$PATH" SAM_CLI_TELEMETRY=0 SAM_BIN=$(abspath $(SAM)) $(PY) -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-clock

test-clock: $(STAMP) ## the date-sensitive tests with the clock moved: 45 days on, New Year, DST days (SCENARIO=name)
	$(PY) -m tests.clock_scenarios $(if $(SCENARIO),--scenario $(SCENARIO))

lint: $(STAMP) ## ruff and cfn-lint
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/cfn-lint template.yaml

format: $(STAMP) ## format the code
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

events: $(STAMP) ## move the dates in events/*.json to today (for sam local invoke -e)
	$(PY) -m local.events --refresh

build: $(SAM) ## sam build (arm64, as deployed)
	PATH="$(PY313_DIR):$$PATH" SAM_CLI_TELEMETRY=0 $(SAM) build

validate: $(SAM) ## sam validate --lint
	SAM_CLI_TELEMETRY=0 $(SAM) validate --lint --region us-east-1

# Every lock is compiled from its .in file; the intent parser's agrees with the layer's, and the
# development lock includes both, so what is tested is what ships.
COMPILE = $(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --no-header \
	--annotation-style=line

lock: $(STAMP) ## re-pin every dependency to the newest version its .in file allows
	$(COMPILE) --upgrade -o layers/shared/requirements.txt layers/shared/requirements.in
	cd functions/intent_parser && ../../$(COMPILE) --upgrade -o requirements.txt requirements.in
	cd functions/orchestrator && ../../$(COMPILE) --upgrade -o requirements.txt requirements.in
	$(COMPILE) --upgrade -o requirements-dev.txt requirements-dev.in
	@echo "locks updated: review git diff, then make test"

clean: ## remove the virtualenvs and build output
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .ruff_cache

bench: $(STAMP) ## performance targets, PASS/FAIL: cold starts against the boto3 floor, warm invokes and chats, calls per chat
	$(PY) benchmarks/bench.py $(ARGS)

bench-parser: $(STAMP) ## offline parser accuracy and speed on the labelled corpus, with dateparser as reference
	$(PY) benchmarks/parser_benchmark.py

bench-conversations: $(STAMP) ## the chat on the labelled multi-turn conversations: turns and conversations right, per category
	$(PY) benchmarks/conversation_benchmark.py $(ARGS)

load: $(STAMP) ## 100 concurrent chats, one slot then distinct slots, on a stack of its own (ARGS="--url http://127.0.0.1:3000")
	$(PY) benchmarks/load.py $(ARGS)

token: $(STAMP) ## a signed JWT for the local API in sign-in mode (USER_ID=alice; ADMIN=1 for the club's staff)
	@$(PY) -m local.token $(if $(USER_ID),--user $(USER_ID)) $(if $(filter 1,$(ADMIN)),--admin) $(ARGS)

fuzz-api: $(STAMP) ## schemathesis against a running local API from its OpenAPI description (make run first)
	$(PY) benchmarks/fuzz_api.py $(ARGS)
