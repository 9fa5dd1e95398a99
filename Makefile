# The project's commands. `make run` and `make test` work on a fresh machine: they make the virtualenv.
SHELL := /bin/bash
PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(shell command -v python3.13) $(shell command -v python3))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PORT ?= 3000
# The browser tests drive Debian's Chromium: Playwright's own browser download does not work on these machines.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
export SAM_CLI_TELEMETRY := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install browser run test unit lint bench chat token build screenshot rich-menu clean

install: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

browser:  ## Debian's chromium, a Thai font and an emoji font for the browser tests, when missing
	@{ test -x $(CHROMIUM) && dpkg -s fonts-thai-tlwg >/dev/null 2>&1; } || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-thai-tlwg fonts-noto-color-emoji; }

run: install  ## the local stack in the foreground on 127.0.0.1:$(PORT), processes apart (ARGS=--single: one process)
	PORT=$(PORT) $(BIN)/python -m infra.local $(ARGS)

test: install lint browser  ## every test: unit, integration (moto), contract (template), e2e (local stack, browser)
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

screenshot: install browser  ## docs/simulator.png (the README's picture) from the simulator in a real browser
	$(BIN)/python -m infra.local.simulator.screenshot

rich-menu: install  ## the rich menu's image and areas, drawn from the registry (no LINE): ARGS="--out menu.png"
	$(BIN)/python -m infra.rich_menu preview $(ARGS)

build: install  ## sam build, no Docker
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/sam build --template template.yaml

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache
