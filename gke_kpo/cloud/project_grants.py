"""Roles never granted at project level by this stack, and why: the no-broad-roles policy judges every grant with
them, and the stack file's task roles (tenants.<t>.task_service_account.roles) are refused with them up front.

Standard library only: the policy pack imports this module.
"""

from __future__ import annotations

from typing import Final

from gke_kpo.cloud.deployer_roles import ACT_AS_ROLE

BASIC_ROLES: Final = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
BROAD_GKE_ROLES: Final = frozenset({"roles/container.admin", "roles/container.developer"})
WORKLOAD_IDENTITY_USER: Final = "roles/iam.workloadIdentityUser"
IMPERSONATION_ROLES: Final = frozenset({ACT_AS_ROLE, "roles/iam.serviceAccountTokenCreator", WORKLOAD_IDENTITY_USER})

FORBIDDEN_AT_PROJECT: Final = {
    **{role: "a basic role reaches every service of the project" for role in BASIC_ROLES},
    **{role: "it administers every cluster and every pod of the project" for role in BROAD_GKE_ROLES},
    **{
        role: "at project level it lets the member act as every service account of the project"
        for role in IMPERSONATION_ROLES
    },
}

ARTIFACT_REGISTRY_ROLE_PREFIX: Final = "roles/artifactregistry."
ARTIFACT_REGISTRY_REASON: Final = (
    "at project level it reaches every repository of the project; nodes read private images through grants on "
    "each repository (artifact_registry_repositories)"
)


def forbidden_at_project(role: str) -> str | None:
    """Why ``role`` must not be granted at project level (to anyone: Airflow, nodes or a tenant's task identity)."""
    if role.startswith(ARTIFACT_REGISTRY_ROLE_PREFIX):
        return ARTIFACT_REGISTRY_REASON
    reason = FORBIDDEN_AT_PROJECT.get(role)
    if reason is not None:
        return reason
    if role.startswith(("roles/iam.", "roles/resourcemanager.")):
        # Resource Manager roles edit the project's (or folder's) IAM policy itself: projectIamAdmin, folderAdmin...
        return "IAM roles at project level manage identities, grant access or mint tokens"
    if role.startswith("roles/") and role.rsplit(".", 1)[-1].lower().endswith("admin"):
        return "an admin role administers a whole service (and often its IAM policy) across the project"
    return None
