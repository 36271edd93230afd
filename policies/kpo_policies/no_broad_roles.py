"""no-broad-roles: no basic, GKE-admin or impersonation role at project level; no keys."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from gke_kpo.cloud.deployer_roles import ACT_AS_ROLE, deployer_member_problem
from gke_kpo.cloud.names import NODE_ACCOUNT_SUFFIX
from gke_kpo.cloud.project_grants import IMPERSONATION_ROLES, WORKLOAD_IDENTITY_USER, forbidden_at_project

from . import resource_types as types
from .iam import grants
from .policy_kit import resource_validation
from .props import lookup
from .verdicts import Subject

WORKLOAD_IDENTITY_MEMBER: Final = re.compile(
    r"^serviceAccount:[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.svc\.id\.goog\[[a-z0-9]([a-z0-9-]*[a-z0-9])?/[a-z0-9]([a-z0-9.-]*[a-z0-9])?\]$"
)
"""``serviceAccount:<pool>.svc.id.goog[<namespace>/<kubernetes service account>]``: one KSA only."""

FEDERATED_SUBJECT_MEMBER: Final = re.compile(
    r"^principal://iam\.googleapis\.com/projects/[0-9]+/locations/global/workloadIdentityPools/"
    r"[a-z][a-z0-9-]{2,30}[a-z0-9]/subject/[^*\s]+$"
)
"""One federated identity (Workload Identity Federation): a single subject of a pool, never a set."""

UNKNOWN_MEMBER: Final = "<member unknown until pulumi up>"


def _project_grant(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    for grant in grants(subject, unknown_members=UNKNOWN_MEMBER):
        reason = forbidden_at_project(grant.role)
        if reason is not None:
            yield subject.says(
                f"grants {grant.role} to {', '.join(grant.members) or 'no member'} at project level; {reason}.",
                "grant the custom role built from gke_kpo.cloud.permissions (Airflow identity), the node roles (node "
                "service account) or narrow read/write roles (a tenant's task service account); bind "
                "workloadIdentityUser on the service account itself.",
            )


NODE_ACCOUNT: Final = re.compile(
    rf"^(projects/[^/]+/serviceAccounts/)?[a-z][a-z0-9-]*{NODE_ACCOUNT_SUFFIX}@[a-z0-9-]+\.iam\.gserviceaccount\.com$"
)
"""A node service account by the stack's naming rule (gke_kpo.spec.nodes.node_account_id). A resource policy
cannot see which account the pools run as, so the name is what it can check."""


def _workload_identity_user(subject: Subject, members: tuple[str, ...]) -> Iterator[str]:
    for member in members:
        if not (WORKLOAD_IDENTITY_MEMBER.match(member) or FEDERATED_SUBJECT_MEMBER.match(member)):
            yield subject.says(
                f"grants {WORKLOAD_IDENTITY_USER} to {member!r}, which is not one Kubernetes service "
                "account (nor one federated subject).",
                "use the member serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>], or for a federated "
                "identity principal://iam.googleapis.com/projects/<number>/locations/global/"
                "workloadIdentityPools/<pool>/subject/<subject>.",
            )


def _act_as(subject: Subject, members: tuple[str, ...]) -> Iterator[str]:
    """Only the deployer's actAs on the node account (deployer_member): on any other account it would let the
    member attach, and so use, that account's access."""
    account = str(lookup(subject.props, "serviceAccountId"))
    if not NODE_ACCOUNT.match(account):
        yield subject.says(
            f"grants {ACT_AS_ROLE} on {account!r}, not on a node service account (<cluster>{NODE_ACCOUNT_SUFFIX}).",
            "grant actAs only on the node service account, to the identity that runs `pulumi up`.",
        )
    for member in members:
        if deployer_member_problem(member):
            yield subject.says(
                f"grants {ACT_AS_ROLE} to {member!r}, which is not one user or service account.",
                "grant it to the identity that runs `pulumi up` (deployer_member), not to a group or domain.",
            )


def _service_account_grant(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    for grant in grants(subject):
        if grant.role == WORKLOAD_IDENTITY_USER:
            yield from _workload_identity_user(subject, grant.members)
        elif grant.role == ACT_AS_ROLE:
            yield from _act_as(subject, grant.members)
        elif grant.role in IMPERSONATION_ROLES:
            yield subject.says(
                f"grants {grant.role} on a service account; it mints the account's tokens (full impersonation).",
                "remove it; the stack needs no token creator on any account.",
            )


def _key(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    yield subject.says(
        "creates a service account key; a key is a long-lived credential that leaks.",
        "delete the Key resource and use Workload Identity (Federation) instead.",
    )


POLICY: Final = ResourceValidationPolicy(
    name="no-broad-roles",
    description=(
        "No basic role, roles/container.admin|developer, admin role, IAM role (impersonation, token "
        "creation, IAM administration) or Artifact Registry role at project level, for any member including "
        "tenants' task service accounts; workloadIdentityUser only on a service account for one KSA; "
        "serviceAccountUser only on the node service account for one principal; no token creator; no keys."
    ),
    severity=Severity.CRITICAL,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps=(
        "Grant the Airflow identity only the custom role derived from gke_kpo.cloud.permissions and the node "
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
