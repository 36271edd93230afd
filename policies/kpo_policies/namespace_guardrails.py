"""namespace-guardrails: every tenant namespace caps what KPO pods can consume."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.outputs import GPU_TAINT

from . import resource_types as types
from .policy_kit import stack_validation
from .props import lookup, mapping
from .stack_facts import StackFacts
from .verdicts import Subject

GPU_QUOTA_KEY: Final = f"requests.{GPU_TAINT['key']}"
"""Kubernetes only quotas extended resources such as GPUs through the ``requests.`` prefix."""


def _in_namespace(facts: StackFacts, resource_type: str, namespace: str) -> list[Subject]:
    return [r for r in facts.of_type(resource_type) if lookup(r.props, "metadata", "namespace") == namespace]


def _task_namespace(subject: Subject, facts: StackFacts) -> Iterator[str]:
    tenant = next(
        (t for t in facts.intents.tenants if t.namespace is not None and t.namespace.urn == subject.urn), None
    )
    if tenant is None:
        return
    name = tenant.namespace_name
    quotas = _in_namespace(facts, types.RESOURCE_QUOTA, str(name))
    if not quotas:
        yield subject.says(
            f"the task namespace {name!r} has no ResourceQuota, so one DAG can exhaust the cluster.",
            f"declare a ResourceQuota in {name!r} (cpu, memory, pods).",
        )
    elif (tenant.gpu_pool or facts.has_gpu_pool()) and not any(
        GPU_QUOTA_KEY in mapping(lookup(quota.props, "spec", "hard")) for quota in quotas
    ):
        yield subject.says(
            f"the stack has a GPU pool but no ResourceQuota in {name!r} caps {GPU_QUOTA_KEY}.",
            f"add '{GPU_QUOTA_KEY}' to the ResourceQuota's spec.hard.",
        )
    if not _in_namespace(facts, types.LIMIT_RANGE, str(name)):
        yield subject.says(
            f"the task namespace {name!r} has no LimitRange, so pods without requests are unbounded.",
            f"declare a LimitRange in {name!r} with default requests and limits.",
        )


POLICY: Final = StackValidationPolicy(
    name="namespace-guardrails",
    description="Every tenant namespace has a ResourceQuota (with a GPU cap when a GPU pool exists) and a LimitRange.",
    severity=Severity.MEDIUM,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps="Declare a ResourceQuota (incl. requests.nvidia.com/gpu with a GPU pool) and a LimitRange.",
    validate=stack_validation({types.NAMESPACE: [_task_namespace]}),
)
