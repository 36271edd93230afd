"""custom-role-least-privilege: the Airflow identity's custom role holds only what the table allows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.permissions import PERMISSION_TABLE, custom_role_permissions

from . import resource_types as types
from .iam import grants
from .policy_kit import stack_validation
from .props import lookup, strings
from .stack_facts import StackFacts
from .stack_intent import StackIntent
from .verdicts import Subject

_BY_IAM: Final = {permission.iam: permission for permission in PERMISSION_TABLE}
_DERIVE: Final = "derive permissions from gke_kpo.permissions.custom_role_permissions(access_model, xcom_push)"


def _bound_to_airflow(role: Subject, facts: StackFacts, intent: StackIntent) -> bool:
    """Without a known identity every custom role counts as the Airflow identity's (strictest)."""
    member = intent.airflow_member
    if member is None:
        return True
    for binding in facts.of_type(*types.PROJECT_GRANTS):
        for grant in grants(binding):
            bound_role = facts.custom_role_for(grant.role)
            if member in grant.members and bound_role is not None and bound_role.urn == role.urn:
                return True
    return False


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
    intent = facts.intent()
    if not _bound_to_airflow(role, facts, intent):
        return
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
