"""no-broad-roles: no basic, admin or IAM-granting role at project level, for any member; no keys.

The same deny rules cover every project grant of the stack: the Airflow identities, the node service
account and the tenants' task service accounts (whose roles come straight from config).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from . import resource_types as types
from .iam import BASIC_ROLES, BROAD_GKE_ROLES, IMPERSONATION_ROLES, WORKLOAD_IDENTITY_USER, grants
from .policy_kit import resource_validation
from .verdicts import Subject

WORKLOAD_IDENTITY_MEMBER: Final = re.compile(
    r"^serviceAccount:[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.svc\.id\.goog\[[a-z0-9]([a-z0-9-]*[a-z0-9])?/[a-z0-9]([a-z0-9.-]*[a-z0-9])?\]$"
)
"""``serviceAccount:<pool>.svc.id.goog[<namespace>/<kubernetes service account>]``: one KSA only."""

FORBIDDEN_AT_PROJECT: Final = {
    **{role: "a basic role reaches every service of the project" for role in BASIC_ROLES},
    **{role: "it administers every cluster and every pod of the project" for role in BROAD_GKE_ROLES},
    **{
        role: "at project level it lets the member act as every service account of the project"
        for role in IMPERSONATION_ROLES
    },
}


IAM_ROLE_PREFIXES: Final = ("roles/iam.", "roles/resourcemanager.")
"""Predefined roles of the IAM and Resource Manager services manage IAM policies, service accounts,
keys or tokens (``roles/iam.serviceAccountTokenCreator``, ``roles/resourcemanager.projectIamAdmin``...)."""


def _forbidden_reason(role: str) -> str | None:
    """Why ``role`` may not be granted at project level, to the Airflow identity, a task or the nodes."""
    named = FORBIDDEN_AT_PROJECT.get(role)
    if named is not None:
        return named
    if role.startswith(IAM_ROLE_PREFIXES):
        return "it grants IAM itself (policies, service accounts, keys or tokens), i.e. more access on demand"
    project_or_org, _, role_name = role.partition("roles/")
    if not project_or_org and role_name.lower().endswith("admin"):
        return "an admin role controls the service's IAM and data for the whole project"
    return None


UNKNOWN_MEMBER: Final = "<member unknown until pulumi up>"


def _project_grant(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    for grant in grants(subject, unknown_members=UNKNOWN_MEMBER):
        reason = _forbidden_reason(grant.role)
        if reason is not None:
            yield subject.says(
                f"grants {grant.role} to {', '.join(grant.members) or 'no member'} at project level; {reason}.",
                "grant the custom role built from gke_kpo.permissions (Airflow identity), the node roles (node "
                "service account) or narrow data roles (a tenant's task_service_account.roles, e.g. "
                "roles/storage.objectViewer); bind workloadIdentityUser on the service account itself.",
            )


def _service_account_grant(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    for grant in grants(subject):
        if grant.role != WORKLOAD_IDENTITY_USER:
            continue
        for member in grant.members:
            if not WORKLOAD_IDENTITY_MEMBER.match(member):
                yield subject.says(
                    f"grants {WORKLOAD_IDENTITY_USER} to {member!r}, which is not one Kubernetes service account.",
                    "use the member serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>].",
                )


def _key(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    yield subject.says(
        "creates a service account key; a key is a long-lived credential that leaks.",
        "delete the Key resource and use Workload Identity (Federation) instead.",
    )


POLICY: Final = ResourceValidationPolicy(
    name="no-broad-roles",
    description=(
        "No basic role, roles/container.admin|developer, admin role (roles/*.admin, roles/*Admin) or IAM-granting "
        "role (roles/iam.*, roles/resourcemanager.*) at project level, for any member including task service "
        "accounts; workloadIdentityUser only on a service account for one KSA; no keys."
    ),
    severity=Severity.CRITICAL,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps=(
        "Grant the Airflow identity only the custom role derived from gke_kpo.permissions and the node "
        "service account only its node roles; bind roles/iam.workloadIdentityUser on the service account "
        "resource to serviceAccount:<pool>.svc.id.goog[<ns>/<ksa>]; remove any gcp.serviceaccount.Key."
    ),
    validate=resource_validation(
        {
            **{resource_type: [_project_grant] for resource_type in types.PROJECT_GRANTS},
            **{resource_type: [_service_account_grant] for resource_type in types.SERVICE_ACCOUNT_GRANTS},
            types.SERVICE_ACCOUNT_KEY: [_key],
        }
    ),
)
