# Every target sets up .venv by itself on first use (and again when a requirements file changes).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready
STACK ?= dev
POLICY_CONFIG = policies/config/$(STACK).json
# Without a config file the pack's own (strictest) default levels apply, in make plan and the CLI alike.
POLICY_CONFIG_FLAG = $(if $(wildcard $(POLICY_CONFIG)),--policy-pack-config $(POLICY_CONFIG))

.PHONY: venv plan test lint render golden benchmark preview up

$(READY): requirements.txt requirements-dev.txt policies/requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

venv: $(READY)

# The policy pack's own interpreter (PulumiPolicy.yaml: virtualenv venv), which the real CLI runs it with.
PACK_READY := policies/venv/.ready
$(PACK_READY): policies/requirements.txt constraints.txt
	test -x policies/venv/bin/python || $(PYTHON) -m venv policies/venv
	policies/venv/bin/python -m pip install --quiet --disable-pip-version-check -r policies/requirements.txt -c constraints.txt
	touch $@

## Credential-free preview: plan, policy verdicts, rendered Airflow files (build/$(STACK)/).
plan: $(READY)
	$(PY) -m gke_kpo.plan --stack $(STACK)

## Everything CI runs. The gate tests then start the pack with its own venv, as the CLI does.
test: lint $(PACK_READY)
	$(PY) -m pytest

lint: $(READY)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/actionlint .github/workflows/*.yml

## Airflow artifacts from `pulumi stack output --json --show-secrets > outputs.json`.
## One folder per tenant: $(OUT)/<tenant>/. Optional: TENANT=<name> renders that tenant only; CONN_ID=<id>
## (default gke_kpo); CHECK=1 only lists files that differ (exit 1), for CI drift checks;
## DEFERRABLE=0 for a deployment without a triggerer; KEEP_FAILED_PODS=1 keeps failed pods for debugging.
render: $(READY)
	@test -n "$(OUTPUTS)" -a -n "$(OUT)" || { echo "usage: make render OUTPUTS=<outputs.json> OUT=<dir> [TENANT=<name>] [CONN_ID=<id>] [CHECK=1] [DEFERRABLE=0] [KEEP_FAILED_PODS=1]"; exit 2; }
	$(PY) -m gke_kpo.render --outputs "$(OUTPUTS)" --out "$(OUT)" $(if $(TENANT),--tenant "$(TENANT)") $(if $(CONN_ID),--conn-id "$(CONN_ID)") $(if $(CHECK),--check) \
		$(if $(filter 0,$(DEFERRABLE)),--no-deferrable) $(if $(filter 1,$(KEEP_FAILED_PODS)),--keep-failed-pods)

## Rewrite tests/golden/<stack>.yaml after a deliberate change to what a stack creates.
golden: $(READY)
	$(PY) -m gke_kpo.plan.golden

## Plan speed against the SDK imports, then `make plan` with 1, 10 and 100 generated tenants.
benchmark: $(READY)
	$(PY) benchmarks/plan_speed.py
	$(PY) benchmarks/tenant_scale.py

## Real Pulumi CLI (needs `pulumi` on PATH and Google credentials).
preview: $(READY) $(PACK_READY)
	pulumi preview --stack $(STACK) --policy-pack policies $(POLICY_CONFIG_FLAG)

up: $(READY) $(PACK_READY)
	pulumi up --stack $(STACK) --policy-pack policies $(POLICY_CONFIG_FLAG)
