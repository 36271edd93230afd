"""What the identity that runs `pulumi up` needs: the APIs to enable and its IAM roles, stated once.

The README's "Deployer permissions" tables are generated from here (``python -m gke_kpo.deployer --table``; a test
keeps them in sync) and the deploy workflow checks the project's enabled APIs against ``APIS`` (``--missing-apis``)
before `pulumi up`.

Sources: GKE access control (https://cloud.google.com/kubernetes-engine/docs/how-to/iam: clusterAdmin "does not
provide access to Kubernetes API objects"; creating node pools that run as a service account needs
iam.serviceAccounts.actAs on it), IAM predefined roles (https://cloud.google.com/iam/docs/understanding-roles),
Kubernetes RBAC privilege-escalation prevention (a Role can only be created by someone holding its permissions or
``escalate``: https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gke_kpo.cloud.deployer_permissions import Scope
from gke_kpo.cloud.gke import NODE_SERVICE_ACCOUNT_ROLE


@dataclass(frozen=True)
class Api:
    name: str
    why: str


APIS: tuple[Api, ...] = (
    Api("container.googleapis.com", "the cluster and its node pools"),
    Api("compute.googleapis.com", "VPC, subnetwork, Cloud Router and NAT; the node VMs"),
    Api("iam.googleapis.com", "the node (and, in gke mode, Airflow's) service account, the custom role"),
    Api(
        "cloudresourcemanager.googleapis.com",
        "project IAM members: the provider reads and writes the project's IAM policy through it",
    ),
    Api("artifactregistry.googleapis.com", "per-repository read grants for the nodes (private task images)"),
    Api("iamcredentials.googleapis.com", "CI: google-github-actions/auth impersonates the deploy service account"),
    Api("sts.googleapis.com", "CI: Workload Identity Federation exchanges GitHub's OIDC token"),
    Api("serviceusage.googleapis.com", "listing and enabling the APIs above (the CI check does)"),
)


ACT_AS_ROLE = "roles/iam.serviceAccountUser"
"""Holds iam.serviceAccounts.actAs; granted on the node service account only."""


DEPLOYER_MEMBER_FORMS = "serviceAccount:<name>@<project>.iam.gserviceaccount.com or user:<e-mail>"


_DEPLOYER_MEMBER = re.compile(
    r"^(serviceAccount:[a-z0-9][a-z0-9-]*@[a-z0-9][a-z0-9.-]*\.gserviceaccount\.com"
    r"|user:[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$"
)
"""One principal that runs `pulumi up`: a service account (CI) or a person. Groups are refused: a group grant
reaches every member, and group membership changes take hours to propagate
(https://cloud.google.com/iam/docs/access-change-propagation)."""


def deployer_member_problem(value: str) -> str | None:
    if _DEPLOYER_MEMBER.match(value):
        return None
    return f"{value!r} is not one service account or user as an IAM member"


class Needed(StrEnum):
    """What in a stack's config calls for a grant (``gke_kpo.deployer.grants_for`` decides it from the settings)."""

    ALWAYS = "always"
    CREATED_NETWORK = "`network` is empty (the stack creates the network)"
    EXISTING_NETWORK = "`network` is set"
    REPOSITORIES = "`artifact_registry_repositories` lists repositories"
    FEDERATED_TENANT = "a tenant has `identity_mode: federated` (the stack creates a workload identity pool)"


@dataclass(frozen=True)
class Grant:
    role: str
    on: Scope
    scope: str
    """Where to grant it, in words (``on`` is what the coverage check compares)."""
    why: str
    needed: Needed = Needed.ALWAYS


NODE_ACCOUNT = "the node service account `<cluster_name[:24]>-nodes@<project>.iam.gserviceaccount.com`"


GRANTS: tuple[Grant, ...] = (
    Grant(
        "roles/container.admin",
        Scope.PROJECT,
        "project",
        "cluster and node pools, plus the Namespace, Role, RoleBinding, ResourceQuota, LimitRange, NetworkPolicy and "
        "ServiceAccount inside the cluster. `roles/container.clusterAdmin` has no access to Kubernetes objects, and "
        "RBAC only lets an identity create a Role whose permissions it holds in RBAC unless it has "
        "`container.roles.escalate`",
    ),
    Grant(
        ACT_AS_ROLE,
        Scope.NODE_ACCOUNT,
        NODE_ACCOUNT + " only",
        "`iam.serviceAccounts.actAs`: GKE refuses to create a cluster or node pools that run as an account the "
        "caller cannot act as. Not needed on Airflow's account (nothing runs as it); never grant it on the project. "
        "With `deployer_member` set the stack grants it itself, else grant it by hand (below)",
    ),
    Grant(
        "roles/iam.serviceAccountAdmin",
        Scope.PROJECT,
        "project",
        "create the node service account (and Airflow's in `gke` and `federated` mode, the tenants' task accounts); "
        "`iam.serviceAccounts.setIamPolicy` for their `workloadIdentityUser` bindings and, with `deployer_member`, "
        "the actAs grant on the node account",
    ),
    Grant(
        "roles/iam.roleAdmin",
        Scope.PROJECT,
        "project",
        "create, update and (re-creating a stack) undelete the custom role",
    ),
    Grant(
        "roles/resourcemanager.projectIamAdmin",
        Scope.PROJECT,
        "project",
        "the project IAM members (node role, custom role to each Airflow identity, tenants' task roles); "
        "narrow it with the condition below",
    ),
    Grant(
        "roles/compute.networkAdmin",
        Scope.PROJECT,
        "project",
        "create the VPC, subnetwork, Cloud Router and Cloud NAT",
        Needed.CREATED_NETWORK,
    ),
    Grant(
        "roles/compute.networkUser",
        Scope.SUBNETWORK,
        "the existing subnetwork (Shared VPC: in the host project)",
        "place the cluster in it",
        Needed.EXISTING_NETWORK,
    ),
    Grant(
        "roles/artifactregistry.admin",
        Scope.REPOSITORIES,
        "each listed repository (not the project)",
        "grant the node service account read access on it (`setIamPolicy`: no narrower predefined role holds it)",
        Needed.REPOSITORIES,
    ),
    Grant(
        "roles/iam.workloadIdentityPoolAdmin",
        Scope.PROJECT,
        "project",
        "create the workload identity pool and its OIDC providers (`iam.googleapis.com/workloadIdentityPools.create`, "
        "`...Providers.create`; the only narrower holder than `roles/iam.admin`), and read the project number the "
        "stack checks",
        Needed.FEDERATED_TENANT,
    ),
    Grant(
        "roles/serviceusage.serviceUsageConsumer",
        Scope.PROJECT,
        "project",
        "CI only: the deploy workflow lists the enabled APIs (`--missing-apis`) before `pulumi up`",
    ),
)


def required_apis() -> list[str]:
    return [api.name for api in APIS]


def missing_apis(enabled: Iterable[str]) -> list[str]:
    enabled_names = {name.strip() for name in enabled}
    return [name for name in required_apis() if name not in enabled_names]


def project_iam_roles(project: str, custom_role_id: str, task_roles: Iterable[str] = ()) -> list[str]:
    """The roles the stack grants at project level: the node role, the custom role, the tenants' task roles."""
    return in_condition_order([NODE_SERVICE_ACCOUNT_ROLE, f"projects/{project}/roles/{custom_role_id}", *task_roles])


def in_condition_order(roles: Iterable[str]) -> list[str]:
    """One order for one set, so two conditions admitting the same roles read the same: the node role, custom roles,
    then predefined roles by name."""
    return sorted(
        set(roles), key=lambda role: (role != NODE_SERVICE_ACCOUNT_ROLE, not role.startswith("projects/"), role)
    )


MODIFIED_GRANTS = "iam.googleapis.com/modifiedGrantsByRole"
"""https://cloud.google.com/iam/docs/setting-limits-on-granting-roles"""


def condition_over(roles: Iterable[str]) -> str:
    """An IAM condition for roles/resourcemanager.projectIamAdmin that admits changing grants of these roles only."""
    listed = ", ".join(f"'{role}'" for role in roles)
    return f"api.getAttribute('{MODIFIED_GRANTS}', []).hasOnly([{listed}])"


def roles_in_condition(expression: str) -> frozenset[str] | None:
    """The roles a condition written by ``condition_over`` admits; None for any other expression."""
    match = re.fullmatch(
        rf"\s*api\.getAttribute\('{re.escape(MODIFIED_GRANTS)}', \[\]\)\.hasOnly\(\[(?P<roles>[^\]]*)\]\)\s*",
        expression,
    )
    if match is None:
        return None
    return frozenset(re.findall(r"'([^']+)'", match["roles"]))


def project_iam_condition(project: str, custom_role_id: str, task_roles: Iterable[str] = ()) -> str:
    return condition_over(project_iam_roles(project, custom_role_id, task_roles))


def markdown_tables() -> str:
    """The README's deployer section body, generated so it cannot drift from this module."""
    lines = ["| API | why |", "| --- | --- |"]
    lines += [f"| `{api.name}` | {api.why} |" for api in APIS]
    lines += ["", "| role | granted on | why | when |", "| --- | --- | --- | --- |"]
    lines += [f"| `{grant.role}` | {grant.scope} | {grant.why} | {grant.needed.value} |" for grant in GRANTS]
    return "\n".join(lines)
