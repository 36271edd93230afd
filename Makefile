# Every target sets up what it needs by itself on first use (and again when a requirements file changes):
# plan/render/preview/up the lean .venv (requirements-plan.txt); test/lint/benchmark add requirements-dev.txt on top.
# `make help` lists the public targets from their `##` comments below.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt
LEAN_READY := $(VENV)/.ready
DEV_READY := $(VENV)/.dev-ready
STACK ?= dev
POLICY_CONFIG = policies/config/$(STACK).json
# Without a config file the pack's own (strictest) default levels apply, in make plan and the CLI alike.
POLICY_CONFIG_FLAG = $(if $(wildcard $(POLICY_CONFIG)),--policy-pack-config $(POLICY_CONFIG))

.PHONY: help venv plan render stack preview up test lint golden benchmark cli-check stack-check render-check

## List the public targets and their options (TARGET=<target>: that one only).
help:
	@$(if $(TARGET),,echo "usage: make <target> [VAR=value ...]; start with: make plan, then README.md \"From zero to a running task\"")
	@awk -v only="$(TARGET)" '/^## /{doc = doc (doc ? "\n" : "") "      " substr($$0, 4); next} \
	     /^[a-z][a-z-]*:/ && doc {sub(/:.*/, ""); if (only == "" || only == $$0) {print "make " $$0; print doc}; doc = ""; next} \
	     {doc = ""}' $(MAKEFILE_LIST)

$(LEAN_READY): requirements-plan.txt requirements.txt policies/requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-plan.txt
	touch $@

$(DEV_READY): $(LEAN_READY) requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $@

## Create .venv with the lean path only (what plan, render, preview and up need).
venv: $(LEAN_READY)

# The policy pack's own interpreter (PulumiPolicy.yaml: virtualenv venv), which the real CLI runs it with.
PACK_READY := policies/venv/.ready
$(PACK_READY): policies/requirements.txt constraints.txt
	test -x policies/venv/bin/python || $(PYTHON) -m venv policies/venv
	policies/venv/bin/python -m pip install --quiet --disable-pip-version-check -r policies/requirements.txt -c constraints.txt
	touch $@

## Credential-free preview: what would be created/updated/replaced against tests/golden/<stack>.yaml, policy
## verdicts, mock Airflow files in build/<stack>/airflow/<tenant>/. STACK=<name> (default dev).
## Exit 0 passed, 1 mandatory policy violated, 2 config error, 3 program bug, 4 day-2 check failed (README, Day-2
## changes; make itself then exits 2). Compare with what is deployed: python -m gke_kpo.plan --stack <s> --golden <file>.
plan: stack-check $(LEAN_READY)
	$(PY) -m gke_kpo.plan --stack $(STACK)

## Airflow files from `pulumi stack output --json --show-secrets > outputs.json`. With TENANT=<name>, OUT is that
## tenant's folder (its Astro project, say); without, one folder per tenant: <OUT>/<tenant>/ (an OUT that is one
## tenant's folder is refused: say TENANT; so is TENANT into the OUT of every tenant). Render records what it wrote
## (.gke-kpo/manifest.json): its files are updated freely, its part of requirements.txt/airflow_settings.yaml merged
## keeping every line of yours, and a file you edited is kept, or, when this render differs from it, a conflict:
## nothing is written and the diff printed. It records the tenant too: another tenant's render into that folder is
## refused.
## Usage: make render OUTPUTS=<outputs.json> OUT=<dir> [TENANT=<name> (that tenant only, into OUT)] [CONN_ID=<id>]
##   [BESIDE=1 (conflicts: new version next to yours as <file>.gke-kpo-new)]
##   [FORCE=1 (conflicts: replace yours, kept as <file>.gke-kpo-backup)]
##   [SWITCH_TENANT=1 (a folder rendered for another tenant: switch it to this one)]
##   [CHECK=1 (write nothing; exit 1 on drift)] [MOCK=1 (make plan's mock outputs into an Astro project, marked)]
##   [DEFERRABLE=0 (no triggerer)] [KEEP_FAILED_PODS=1]
##   [GPU_STARTUP_TIMEOUT=<seconds>] (README, "Airflow artifacts", "Long GPU tasks")
## FORCE, BESIDE, CHECK, SWITCH_TENANT, MOCK and KEEP_FAILED_PODS take 1 (on) or 0 (off); FORCE, BESIDE and CHECK
## exclude each other.
render: render-check $(LEAN_READY)
	@$(PY) -m gke_kpo.render --outputs "$(OUTPUTS)" --out "$(OUT)" $(if $(TENANT),--tenant "$(TENANT)") $(if $(CONN_ID),--conn-id "$(CONN_ID)") \
		$(if $(filter 1,$(FORCE)),--force) $(if $(filter 1,$(BESIDE)),--beside) $(if $(filter 1,$(CHECK)),--check) $(if $(filter 1,$(SWITCH_TENANT)),--switch-tenant) $(if $(filter 1,$(MOCK)),--allow-mock) $(if $(filter 0,$(DEFERRABLE)),--no-deferrable) $(if $(filter 1,$(KEEP_FAILED_PODS)),--keep-failed-pods) \
		$(if $(GPU_STARTUP_TIMEOUT),--gpu-startup-timeout "$(GPU_STARTUP_TIMEOUT)")

## Start your own stack: make stack NAME=<name> [POLICY=1] writes Pulumi.<name>.yaml from a commented template
## (and policies/config/<name>.json with POLICY=1); never overwrites.
stack:
	@test -n "$(NAME)" || { echo "usage: make stack NAME=<name> [POLICY=1]"; exit 2; }
	@$(call switch_errors,POLICY) $(if $(call bad_switches,POLICY),exit 2,true)
	@$(PYTHON) -m gke_kpo.new_stack --name="$(NAME)" $(if $(filter 1,$(POLICY)),--policy)

comma := ,
space := $(subst ,, )
# `make plan STACK=` would otherwise reach argparse (or the CLI) with an empty name.
stack-check:
	@test -n "$(STACK)" || { echo "error: no stack given: run \`make $(MAKECMDGOALS) STACK=<stack>\`; existing stacks: $(subst $(space),$(comma) ,$(sort $(patsubst Pulumi.%.yaml,%,$(wildcard Pulumi.*.yaml))))" >&2; exit 2; }

# make render's switches are on for 1 only; any other value but 0 (FORCE=yes, FORCE=true) would be silently off.
RENDER_SWITCHES := FORCE BESIDE CHECK SWITCH_TENANT MOCK KEEP_FAILED_PODS DEFERRABLE
bad_switches = $(strip $(foreach v,$(1),$(if $(filter-out 0 1,$($(v)))$(word 2,$($(v))),$(v))))
switch_errors = $(foreach v,$(call bad_switches,$(1)),echo $(call shell_quote,error: $(v) takes 1 (on) or 0 (off)$(comma) got '$($(v))') >&2;)
# The render command takes one of them at most (argparse would say so in its option names, not in make's).
exclusive_on = $(strip $(foreach v,FORCE BESIDE CHECK,$(if $(filter 1,$($(v))),$(v)=1)))
# "A and B", "A, B and C".
and_list = $(subst $(space),$(comma) ,$(filter-out $(lastword $(1)),$(1))) and $(lastword $(1))
# A value in single quotes for the shell, whatever quotes it holds.
shell_quote = '$(subst ','\'',$(1))'
missing_render_input = $(if $(and $(OUTPUTS),$(OUT)),,missing)

# `make render` needs OUTPUTS and OUT (the Python command requires both too) and switches that are 1 or 0: say what
# is wrong (the usage too when something is missing) before building any venv.
render-check:
	@$(call switch_errors,$(RENDER_SWITCHES)) \
	$(if $(word 2,$(exclusive_on)),echo "error: $(call and_list,$(exclusive_on)) exclude each other: pick one" >&2;) \
	$(if $(OUTPUTS),,echo "error: OUTPUTS is required: the stack outputs file, written by \`pulumi stack output --json --show-secrets > outputs.json\` (make plan's mock ones: build/<stack>/outputs.json)" >&2;) \
	$(if $(OUT),,echo "error: OUT is required: the folder to write into (created if missing); with TENANT=<name>, that tenant's Astro project" >&2;) \
	$(if $(missing_render_input),$(MAKE) --no-print-directory help TARGET=render >&2;) \
	$(if $(call bad_switches,$(RENDER_SWITCHES))$(word 2,$(exclusive_on))$(missing_render_input),exit 2,true)

# Real Pulumi runs need the CLI and the GKE auth plugin; say so before building any venv.
cli-check:
	@command -v pulumi >/dev/null || { echo "error: the pulumi CLI is not on PATH; install it: curl -fsSL https://get.pulumi.com | sh (or brew install pulumi/tap/pulumi), then open a new shell" >&2; exit 2; }
	@command -v gke-gcloud-auth-plugin >/dev/null || { echo "error: gke-gcloud-auth-plugin is not on PATH; install it: gcloud components install gke-gcloud-auth-plugin" >&2; exit 2; }

## Real `pulumi preview` with the policy pack (needs the pulumi CLI, gke-gcloud-auth-plugin, Google credentials).
preview: stack-check cli-check $(LEAN_READY) $(PACK_READY)
	pulumi preview --stack $(STACK) --policy-pack policies $(POLICY_CONFIG_FLAG)

## Real `pulumi up` with the policy pack (same needs as preview).
up: stack-check cli-check $(LEAN_READY) $(PACK_READY)
	pulumi up --stack $(STACK) --policy-pack policies $(POLICY_CONFIG_FLAG)

## Everything CI runs (lint, types, all tests); adds the test and Airflow tooling to .venv.
test: lint $(PACK_READY)
	$(PY) -m pytest

## ruff, mypy, lint-imports (layers, no cycles) and actionlint only.
lint: $(DEV_READY)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/actionlint .github/workflows/*.yml

## Rewrite tests/golden/<stack>.yaml after a deliberate change to what a stack creates (docs/development.md):
## every stack that has one, or STACK=<name> only (which also opts a new stack in).
golden: $(LEAN_READY)
	$(PY) -m gke_kpo.plan.golden $(if $(filter command line environment,$(origin STACK)),--stack "$(STACK)")

## Time the mock plan (docs/benchmarks.md).
benchmark: $(LEAN_READY)
	$(PY) benchmarks/plan_speed.py
	$(PY) benchmarks/tenant_scale.py
	$(PY) -m benchmarks.gpu_pool_scale
