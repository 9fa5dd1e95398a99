# The project's commands. `make run` and `make test` work on a fresh machine: they make the virtualenv.
SHELL := /bin/bash
PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(shell command -v python3.13) $(shell command -v python3))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PORT ?= 3000
export SAM_CLI_TELEMETRY := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test unit lint bench chat token build clean

install: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: install  ## the local stack in the foreground on 127.0.0.1:$(PORT)
	PORT=$(PORT) $(BIN)/python -m infra.local

test: install lint  ## every test: unit, integration (moto), contract (template), e2e (local stack)
	$(BIN)/pytest -q

unit: install
	$(BIN)/pytest -q tests/unit

lint: install  ## the template, checked like code
	$(BIN)/cfn-lint template.yaml
	$(BIN)/sam validate --lint --region ap-southeast-7 >/dev/null

bench: install  ## figures for docs/benchmarks.md, measured side by side in one run
	$(BIN)/python -m infra.bench

chat: install  ## talk to the running local stack as a citizen (make run in another terminal)
	$(BIN)/python -m infra.local.chat --url http://127.0.0.1:$(PORT)

token: install  ## a staff JWT for the running local stack: make token AGENCY=demo-municipality ROLE=officer
	@curl -s "http://127.0.0.1:$(PORT)/_local/token?agency=$(or $(AGENCY),demo-municipality)&role=$(or $(ROLE),officer)" \
	  | $(BIN)/python -c "import json, sys; print(json.load(sys.stdin)['token'])"

build: install  ## sam build, no Docker
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/sam build --template template.yaml

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache
