"""namespace-guardrails: every tenant namespace caps what its KPO pods can consume."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.contract.intent import GPU_QUOTA_KEY

from . import resource_types as types
from .policy_kit import stack_validation
from .props import lookup, mapping
from .stack_facts import StackFacts
from .stack_intent import read_tenant
from .verdicts import Subject


def _tenant_namespace(subject: Subject, facts: StackFacts) -> Iterator[str]:
    """Each tenant's namespace has its own caps: a tenant without them can starve every other tenant."""
    tenant = read_tenant(subject)
    if tenant is None:
        return
    name = tenant.namespace_name
    quotas = facts.in_namespace(types.RESOURCE_QUOTA, name)
    if not quotas:
        yield subject.says(
            f"the tenant namespace {name!r} has no ResourceQuota, so one DAG can exhaust the cluster "
            "the other tenants share.",
            f"declare a ResourceQuota in {name!r} (cpu, memory, pods).",
        )
    elif (tenant.gpu_pool or facts.has_gpu_pool()) and not any(
        GPU_QUOTA_KEY in mapping(lookup(quota.props, "spec", "hard")) for quota in quotas
    ):
        yield subject.says(
            f"the stack has a GPU pool but no ResourceQuota in {name!r} caps {GPU_QUOTA_KEY}, so this tenant "
            "can take every GPU of the shared pool.",
            f"add '{GPU_QUOTA_KEY}' to the spec.hard of the ResourceQuota in {name!r} (0 for a tenant without GPUs).",
        )
    if not facts.in_namespace(types.LIMIT_RANGE, name):
        yield subject.says(
            f"the tenant namespace {name!r} has no LimitRange, so pods without requests are unbounded.",
            f"declare a LimitRange in {name!r} with default requests and container maximums.",
        )


POLICY: Final = StackValidationPolicy(
    name="namespace-guardrails",
    description=(
        "Every tenant namespace has a ResourceQuota (with a GPU cap when a GPU pool exists) and a LimitRange."
    ),
    severity=Severity.MEDIUM,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps="Declare a ResourceQuota (incl. requests.nvidia.com/gpu with a GPU pool) and a LimitRange.",
    validate=stack_validation({types.NAMESPACE: [_tenant_namespace]}),
)
