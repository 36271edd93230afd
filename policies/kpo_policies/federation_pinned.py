"""federation-pinned: Workload Identity Federation admits exactly the listed workloads, never a pool.

A provider trusts every token its issuer signs. On a shared, multi-customer cluster issuer (Astro
Hosted, any managed Kubernetes serving several customers) an unpinned provider, or a grant to a
``principalSet://`` of the pool, lets every other workload of that issuer become our identity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from gke_kpo.cloud.deployer_roles import ACT_AS_ROLE
from gke_kpo.cloud.project_grants import IMPERSONATION_ROLES

from . import resource_types as types
from .cel_subjects import SUBJECT_ATTRIBUTES, pinned_subjects
from .iam import grants
from .policy_kit import resource_validation
from .props import lookup, strings
from .verdicts import Subject

SHARED_ISSUER_RISK: Final = (
    "on a shared multi-customer cluster issuer every other workload that issuer signs for could become this identity"
)
PIN_FIX: Final = (
    f'set attributeCondition to {SUBJECT_ATTRIBUTES[0]} in ["system:serviceaccount:<ns>:<sa>", ...] '
    "listing exactly the Airflow worker and triggerer subjects (gke_kpo.cloud.federation.attribute_condition)."
)
POOL_GRANT_ROLES: Final = IMPERSONATION_ROLES - {ACT_AS_ROLE}
"""workloadIdentityUser and serviceAccountTokenCreator: both mint tokens of the service account."""


def _condition(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    condition = str(lookup(subject.props, "attributeCondition") or "").strip()
    if not condition:
        yield subject.says(
            f"has no attributeCondition: it admits every token of its issuer; {SHARED_ISSUER_RISK}.", PIN_FIX
        )
    elif not pinned_subjects(condition):
        yield subject.says(
            f"attributeCondition {condition!r} does not pin subjects to a literal list; {SHARED_ISSUER_RISK}.",
            PIN_FIX,
        )


def _audiences(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    if lookup(subject.props, "oidc") is None:
        return
    audiences = strings(lookup(subject.props, "oidc", "allowedAudiences"))
    wildcards = [audience for audience in audiences if "*" in audience or not audience.strip()]
    if not audiences or wildcards:
        shown = ", ".join(repr(a) for a in wildcards) if wildcards else "none"
        yield subject.says(
            f"accepts audiences {shown}: a token minted for any other service of the issuer would be accepted.",
            "list the exact 'aud' of the Airflow token in oidc.allowedAudiences (no wildcard, never empty).",
        )


def _issuer(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    oidc = lookup(subject.props, "oidc")
    if oidc is None:
        return
    issuer = str(lookup(oidc, "issuerUri") or "")
    if not issuer.startswith("https://"):
        yield subject.says(
            f"has issuer {issuer!r}, which is not https://: its signing keys could be swapped in transit.",
            "use the cluster's https:// OIDC issuer URL, exactly as the token's 'iss' claim spells it.",
        )


def _pool_grant(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    for grant in grants(subject):
        if grant.role not in POOL_GRANT_ROLES:
            continue
        for member in grant.members:
            if member.startswith("principalSet://"):
                yield subject.says(
                    f"grants {grant.role} to {member!r}, a set of pool identities; {SHARED_ISSUER_RISK}.",
                    "grant one member per subject: principal://iam.googleapis.com/projects/<number>/locations/"
                    "global/workloadIdentityPools/<pool>/subject/<subject>.",
                )


POLICY: Final = ResourceValidationPolicy(
    name="federation-pinned",
    description=(
        "Workload Identity Federation providers pin subjects, audiences and an https issuer; no "
        "workloadIdentityUser/serviceAccountTokenCreator grant to a principalSet of a pool."
    ),
    severity=Severity.CRITICAL,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps=(
        "Declare federated identities through gke-kpo's federated identity mode: it writes the condition, "
        "the audiences and one principal:// member per subject from config."
    ),
    validate=resource_validation(
        {
            types.WORKLOAD_IDENTITY_POOL_PROVIDER: [_condition, _audiences, _issuer],
            **{grant_type: [_pool_grant] for grant_type in types.PROJECT_GRANTS | types.SERVICE_ACCOUNT_GRANTS},
        }
    ),
)
