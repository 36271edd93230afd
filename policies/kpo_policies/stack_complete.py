"""stack-complete: every piece of the least-privilege design is present, and the intent is readable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from . import resource_types as types
from .iam import grants
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


def _custom_role_bound(facts: StackFacts, member: str | None) -> bool:
    return any(
        facts.custom_role_for(grant.role) is not None and (member is None or member in grant.members)
        for binding in facts.of_type(*types.PROJECT_GRANTS)
        for grant in grants(binding)
    )


def _unbound_members(facts: StackFacts) -> list[str | None]:
    """Every tenant identity must hold the custom role (None: no identity known, any binding will do)."""
    members = [tenant.airflow_member for tenant in facts.intents.tenants] or [None]
    return [member for member in members if not _custom_role_bound(facts, member)]


def _complete(facts: StackFacts) -> Iterator[str]:
    for resource_type, label in REQUIRED:
        if not facts.of_type(resource_type):
            yield stack_says(f"the {label} ({resource_type}) is missing.", f"declare the {label}.")
    for member in _unbound_members(facts) if facts.of_type(types.CUSTOM_ROLE) else []:
        yield stack_says(
            f"no project-level IAM member binds the custom role to the Airflow identity {member or ''}".rstrip() + ".",
            f"declare a {types.PROJECT_IAM_MEMBER} with role projects/<project>/roles/<role_id> "
            "and the Airflow member.",
        )
    for problem in facts.intents.problems:
        yield stack_says(
            f"the stack intent cannot be read: {problem}; the strictest intent was assumed.",
            "label every tenant Namespace as documented in gke_kpo/intent.py.",
        )


POLICY: Final = StackValidationPolicy(
    name="stack-complete",
    description="The cluster, custom role and its binding, task namespace, Role and RoleBinding all exist.",
    severity=Severity.HIGH,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps="Declare the missing resource; label the task Namespace with the gke-kpo intent.",
    validate=stack_validation({}, whole_stack=[_complete]),
)
