"""stack-complete: every piece of the least-privilege design is present, and the intent is readable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.contract.intent import LAUNCHER_ROLE

from . import resource_types as types
from .policy_kit import stack_validation
from .stack_facts import StackFacts
from .verdicts import stack_says

REQUIRED: Final = (
    (types.CLUSTER, "GKE cluster"),
    (types.CUSTOM_ROLE, "IAM custom role for the Airflow identity"),
    (types.NAMESPACE, "task namespace"),
    (types.ROLE, "namespaced Role"),
    (types.ROLE_BINDING, "RoleBinding for the Airflow identity"),
)


def _custom_role_holders(facts: StackFacts) -> set[str]:
    return {member for role in facts.of_type(types.CUSTOM_ROLE) for member in facts.custom_role_members(role)}


def _unbound_tenants(facts: StackFacts) -> Iterator[str]:
    holders = _custom_role_holders(facts)
    tenants = facts.intent().tenants
    identified = [tenant for tenant in tenants if tenant.airflow_member]
    unbound = [tenant for tenant in identified if tenant.airflow_member not in holders]
    if not holders or unbound:
        unknown = facts.unknown_grant()
        if unknown is not None:
            raise unknown
    if not holders and not identified:
        yield stack_says(
            "no project-level IAM member binds the custom role to the Airflow identity.",
            f"declare a {types.PROJECT_IAM_MEMBER} with role projects/<project>/roles/<role_id> "
            "and the Airflow member.",
        )
    for tenant in unbound:
        yield stack_says(
            f"no project-level IAM member binds the custom role to {tenant.airflow_member} "
            f"(the Airflow identity of namespace {tenant.namespace_name!r}), so it cannot reach the cluster.",
            f"declare a {types.PROJECT_IAM_MEMBER} with role projects/<project>/roles/<role_id> "
            f"and member {tenant.airflow_member}.",
        )


def _tenant_rbac(facts: StackFacts) -> Iterator[str]:
    for tenant in facts.intent().tenants:
        for resource_type, label in ((types.ROLE, "Role"), (types.ROLE_BINDING, "RoleBinding")):
            if not facts.in_namespace(resource_type, tenant.namespace_name):
                yield stack_says(
                    f"the tenant namespace {tenant.namespace_name!r} has no {label}, so its Airflow identity "
                    "cannot launch pods there.",
                    f"declare the {label} {LAUNCHER_ROLE} in {tenant.namespace_name!r}.",
                )


def _complete(facts: StackFacts) -> Iterator[str]:
    for resource_type, label in REQUIRED:
        if not facts.of_type(resource_type):
            yield stack_says(f"the {label} ({resource_type}) is missing.", f"declare the {label}.")
    if facts.of_type(types.CUSTOM_ROLE):
        yield from _unbound_tenants(facts)
    yield from _tenant_rbac(facts)
    for problem in facts.intent().problems:
        yield stack_says(
            f"the stack intent cannot be read: {problem}; the strictest intent was assumed.",
            "label each tenant Namespace as documented in gke_kpo/contract/intent.py.",
        )


POLICY: Final = StackValidationPolicy(
    name="stack-complete",
    description=(
        "The cluster and custom role exist; every tenant namespace has its Role and RoleBinding and its "
        "Airflow identity holds the custom role."
    ),
    severity=Severity.HIGH,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps="Declare the missing resource; label the task Namespace with the gke-kpo intent.",
    validate=stack_validation({}, whole_stack=[_complete]),
)
