"""The benchmark's generated tenants (every per-tenant resource kind) plan and pass the whole pack."""

from __future__ import annotations

from benchmarks.tenant_scale import generated_stack
from gke_kpo.gate import AnalyzerSession, run_gate
from gke_kpo.preview.capture import run_program
from policies.kpo_policies import resource_types as t

TENANTS = 12


def test_generated_tenants_plan_and_pass_every_policy(analyzer: AnalyzerSession) -> None:
    with generated_stack(TENANTS) as stack:
        plan = run_program(stack)
        result = run_gate(plan, stack, analyzer)
    assert result.passed and not result.verdicts, result.format()
    assert len(plan.of_type("gke-kpo:index:Tenant")) == TENANTS
    assert len(plan.of_type(t.NAMESPACE)) == len(plan.of_type(t.ROLE_BINDING)) == TENANTS
    assert len(plan.of_type(t.CUSTOM_ROLE)) == 1
    assert plan.of_type(t.SERVICE_ACCOUNT), "a task service account is among the generated tenants"
