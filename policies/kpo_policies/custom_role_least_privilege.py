"""custom-role-least-privilege: the Airflow identity's custom role holds only what the table allows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, NamedTuple

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.cloud.permissions import PERMISSION_TABLE, AccessModel, custom_role_permissions

from . import resource_types as types
from .policy_kit import stack_validation
from .props import lookup, strings
from .stack_facts import StackFacts
from .stack_intent import TenantIntent
from .verdicts import Subject

_BY_IAM: Final = {permission.iam: permission for permission in PERMISSION_TABLE}
_DERIVE: Final = (
    "derive permissions from gke_kpo.cloud.permissions.custom_role_permissions(access_model, xcom_push, dns_endpoint)"
)


class RoleIntent(NamedTuple):
    """What the shared custom role may hold: XCom only when every tenant holding it pushes XCom; the DNS-based
    endpoint's connect permission only when a cluster of the stack serves user traffic there."""

    access_model: AccessModel
    xcom_push: bool
    dns_endpoint: bool = False


def _holders(role: Subject, facts: StackFacts) -> list[TenantIntent] | None:
    """The tenants whose Airflow identity holds ``role``; None when it is no tenant's role.

    Without any known identity every custom role counts as a tenant's (strictest reading); an
    unknown member defers the check rather than guess who holds the role.
    """
    intent = facts.intent()
    identified = [tenant for tenant in intent.tenants if tenant.airflow_member]
    if not identified:
        return list(intent.tenants)
    members = facts.custom_role_members(role)
    holders = [tenant for tenant in identified if tenant.airflow_member in members]
    unknown = facts.unknown_grant()
    if not holders and unknown is not None:
        raise unknown
    return holders or None


def _why_not(permission: str, intent: RoleIntent) -> tuple[str, str]:
    entry = _BY_IAM.get(permission)
    if entry is None:
        return "is outside the seed permission list (gke_kpo.cloud.permissions.SEED_PERMISSIONS)", "remove it"
    if entry.needs_dns_endpoint:
        return (
            "is only needed to call the DNS-based endpoint, and no cluster of the stack lets user traffic in there "
            "(controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic)",
            "remove it, or set control_plane_access to dns or dns+ip",
        )
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
    holders = _holders(role, facts)
    if holders is None:
        return
    xcom_push = bool(holders) and all(t.xcom_push for t in holders)
    intent = RoleIntent(facts.intent().access_model, xcom_push, facts.dns_endpoint())
    allowed = set(custom_role_permissions(intent.access_model, intent.xcom_push, intent.dns_endpoint))
    for permission in sorted(set(strings(lookup(role.props, "permissions"))) - allowed):
        problem, fix = _why_not(permission, intent)
        yield role.says(
            f"bound to the Airflow identity, it holds {permission}, which {problem} "
            f"(access model {intent.access_model.value}, XCom push {'on' if intent.xcom_push else 'off'}, "
            f"DNS-based endpoint {'on' if intent.dns_endpoint else 'off'}).",
            f"{fix}; {_DERIVE}.",
        )


POLICY: Final = StackValidationPolicy(
    name="custom-role-least-privilege",
    description=(
        "A custom role bound to the Airflow identity holds only seed permissions; container.pods.exec only "
        "with XCom push; container.clusters.connect only with the DNS-based endpoint; no pod permission with the "
        "namespaced access model."
    ),
    severity=Severity.CRITICAL,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps="Build the role's permissions with gke_kpo.cloud.permissions.custom_role_permissions().",
    validate=stack_validation({types.CUSTOM_ROLE: [_custom_role]}),
)
