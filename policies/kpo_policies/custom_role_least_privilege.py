"""custom-role-least-privilege: the Airflow identity's custom role holds only what the table allows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.permissions import PERMISSION_TABLE, custom_role_permissions

from . import resource_types as types
from .iam import grants
from .policy_kit import stack_validation
from .props import lookup, strings
from .stack_facts import StackFacts
from .stack_intent import STRICTEST, StackIntent
from .verdicts import Subject

_BY_IAM: Final = {permission.iam: permission for permission in PERMISSION_TABLE}
_DERIVE: Final = "derive permissions from gke_kpo.permissions.custom_role_permissions(access_model, xcom_push)"


def _bound_tenants(role: Subject, facts: StackFacts) -> list[StackIntent]:
    """The tenants whose Airflow identity holds ``role``; a tenant without a known identity counts (strictest)."""
    members = {
        member
        for binding in facts.of_type(*types.PROJECT_GRANTS)
        for grant in grants(binding)
        if (bound := facts.custom_role_for(grant.role)) is not None and bound.urn == role.urn
        for member in grant.members
    }
    tenants = facts.intents.tenants or (STRICTEST,)
    return [t for t in tenants if t.airflow_member is None or t.airflow_member in members]


def _why_not(permission: str, intent: StackIntent) -> tuple[str, str]:
    entry = _BY_IAM.get(permission)
    if entry is None:
        return "is outside the seed permission list (gke_kpo.permissions.SEED_PERMISSIONS)", "remove it"
    if entry.needs_xcom and not intent.xcom_push:
        return (
            "is only needed to read XCom, and XCom push is off (it allows exec into every pod of the project)",
            "remove it, or turn xcom_push on (namespace label gke-kpo/xcom-push=true)",
        )
    return (
        "is a pod permission; with the namespaced access model pod access lives in the namespaced Role, "
        "while IAM would grant it in every namespace of every cluster in the project",
        "keep only container.clusters.get in the custom role",
    )


def _custom_role(role: Subject, facts: StackFacts) -> Iterator[str]:
    bound = _bound_tenants(role, facts)
    if not bound:
        return
    # One role for every tenant; the project model admits a single tenant, so its XCom choice is the role's.
    intent = replace(bound[0], xcom_push=any(t.xcom_push for t in bound), access_model=facts.intents.access_model)
    allowed = set(custom_role_permissions(intent.access_model, intent.xcom_push))
    for permission in sorted(set(strings(lookup(role.props, "permissions"))) - allowed):
        problem, fix = _why_not(permission, intent)
        yield role.says(
            f"bound to the Airflow identity, it holds {permission}, which {problem} "
            f"(access model {intent.access_model.value}, XCom push {'on' if intent.xcom_push else 'off'}).",
            f"{fix}; {_DERIVE}.",
        )


POLICY: Final = StackValidationPolicy(
    name="custom-role-least-privilege",
    description=(
        "A custom role bound to the Airflow identity holds only seed permissions; container.pods.exec only "
        "with XCom push; only container.clusters.get with the namespaced access model."
    ),
    severity=Severity.CRITICAL,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps="Build the role's permissions with gke_kpo.permissions.custom_role_permissions().",
    validate=stack_validation({types.CUSTOM_ROLE: [_custom_role]}),
)
