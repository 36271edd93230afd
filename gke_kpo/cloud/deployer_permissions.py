"""Every resource type the program can declare → the IAM permissions the deployer needs to create, update and
delete it, with the provider calls behind them and where each fact was read.

How a row is made: the provider's source says which API methods a lifecycle step calls (terraform-provider-google,
which pulumi-gcp bridges, read at commit e03b7622 of 2026-08-21; pulumi-kubernetes for Kubernetes objects); Google's
REST reference says which permission each method needs (its "IAM Permissions" block, looked up through the crawl of
those blocks in iann0036/iam-dataset gcp/map.json at commit 2073fa52 of 2026-08-22, and on the page itself where the
crawl lacks or mis-maps a method, as noted on the row). Permissions are spelled as role definitions spell them
(``gke_kpo/cloud/data/predefined_roles.json``), so a coverage check can compare them as strings.

Kubernetes objects: GKE authorizes a Kubernetes request with IAM permission ``container.<resource>.<verb>``, ``patch``
counting as ``update`` (https://cloud.google.com/kubernetes-engine/docs/reference/api-permissions, Kubernetes API
table; the same mapping as ``gke_kpo/cloud/permissions.py``). pulumi-kubernetes v4 writes objects with server-side
apply (its default since v4.0.0, CHANGELOG "Server-side apply is enabled by default"), a ``patch``; an apply that
creates the object is also authorized as ``create`` (kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/handlers/
patch.go, ``createAuthorizerAttributes`` with ``Verb: "create"``); it reads the object while awaiting it, and after a
delete until it is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gke_kpo.cloud import replacement as types


class Scope(StrEnum):
    """Where a permission is checked, and so where a grant must sit to cover it."""

    PROJECT = "project"
    NODE_ACCOUNT = "node service account"
    SUBNETWORK = "subnetwork"
    """The cluster's subnetwork: in the project when the stack creates it, anywhere (a Shared VPC host) when not."""
    REPOSITORIES = "listed repositories"
    """Artifact Registry repositories named by full path: possibly in another project."""


class Step(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class Need:
    permission: str
    on: Scope = Scope.PROJECT


@dataclass(frozen=True)
class StepPermissions:
    resource_type: str
    """A Pulumi type token, or an invoke (data source) token."""
    step: Step
    calls: str
    """The API calls the provider makes for this step."""
    needs: tuple[Need, ...]
    source: str


def _needs(*permissions: str, on: Scope = Scope.PROJECT) -> tuple[Need, ...]:
    return tuple(Need(permission, on) for permission in permissions)


_TPG = "terraform-provider-google google/services/"
_MAP = "iam-dataset gcp/map.json"
_GKE_API = "https://cloud.google.com/kubernetes-engine/docs/reference/api-permissions"
_ACT_AS = Need("iam.serviceAccounts.actAs", Scope.NODE_ACCOUNT)
_SHARED_VPC_USE = Need("compute.subnetworks.use", Scope.SUBNETWORK)
"""Placing the cluster in a subnetwork; in a Shared VPC the deployer needs compute.networkUser on it
(https://cloud.google.com/vpc/docs/shared-vpc#iam_in_shared_vpc: service project admins "use" subnets they hold it
on). The method table of the GKE API page does not list it: kept because a Shared VPC deploy is refused without it."""


def _compute(resource_type: str, collection: str, operations: str, source: str) -> tuple[StepPermissions, ...]:
    """A Compute Engine resource with insert, patch and delete and an operation to poll."""
    operation = f"compute.{operations}.get"
    methods = f"compute.{collection}.{{}}, {operations}.get"
    return (
        StepPermissions(
            resource_type,
            Step.CREATE,
            methods.format("insert") + ", get",
            _needs(f"compute.{collection}.create", operation, f"compute.{collection}.get"),
            f"{_TPG}{source}; {_MAP} compute.{collection}.insert",
        ),
        StepPermissions(
            resource_type,
            Step.UPDATE,
            methods.format("patch") + ", get",
            _needs(f"compute.{collection}.get", f"compute.{collection}.update", operation),
            f"{_TPG}{source}; {_MAP} compute.{collection}.patch",
        ),
        StepPermissions(
            resource_type,
            Step.DELETE,
            methods.format("delete"),
            _needs(f"compute.{collection}.delete", operation),
            f"{_TPG}{source}; {_MAP} compute.{collection}.delete",
        ),
    )


def _iam_member(resource_type: str, service: str, on: Scope, source: str) -> tuple[StepPermissions, ...]:
    """A non-authoritative IAM member: every step reads the resource's policy and writes it back."""
    needs = _needs(f"{service}.getIamPolicy", f"{service}.setIamPolicy", on=on)
    return tuple(StepPermissions(resource_type, step, "getIamPolicy, setIamPolicy", needs, source) for step in Step)


def _kubernetes(resource_type: str, resource: str, *extra: Need, why_extra: str = "") -> tuple[StepPermissions, ...]:
    name = f"container.{resource}"
    source = f"{_GKE_API} (Kubernetes API); module docstring (server-side apply){why_extra}"
    return (
        StepPermissions(
            resource_type,
            Step.CREATE,
            "server-side apply (patch that creates), get",
            (*_needs(f"{name}.create", f"{name}.update", f"{name}.get"), *extra),
            source,
        ),
        StepPermissions(
            resource_type,
            Step.UPDATE,
            "get, server-side apply (patch)",
            (*_needs(f"{name}.get", f"{name}.update"), *extra),
            source,
        ),
        StepPermissions(
            resource_type, Step.DELETE, "delete, get until gone", _needs(f"{name}.delete", f"{name}.get"), source
        ),
    )


_RBAC = (
    "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping"
)
_POOL = "iam.googleapis.com/workloadIdentityPools"
_POOL_PROVIDER = "iam.googleapis.com/workloadIdentityPoolProviders"
_IAM_REST = "https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools"

GET_PROJECT = "gcp:organizations/getProject:getProject"

TABLE: tuple[StepPermissions, ...] = (
    *_compute(types.NETWORK, "networks", "globalOperations", "compute/resource_compute_network.go"),
    *_compute(types.SUBNETWORK, "subnetworks", "regionOperations", "compute/resource_compute_subnetwork.go"),
    StepPermissions(
        types.SUBNETWORK,
        Step.UPDATE,
        "subnetworks.expandIpCidrRange (subnet_cidr widened)",
        _needs("compute.subnetworks.expandIpCidrRange", "compute.regionOperations.get"),
        f"{_TPG}compute/resource_compute_subnetwork.go; {_MAP} compute.subnetworks.expandIpCidrRange",
    ),
    *_compute(types.ROUTER, "routers", "regionOperations", "compute/resource_compute_router.go"),
    # Cloud NAT is a field of the router: every step reads the router and patches it.
    *(
        StepPermissions(
            types.ROUTER_NAT,
            step,
            "routers.get, routers.patch, regionOperations.get",
            _needs("compute.routers.get", "compute.routers.update", "compute.regionOperations.get"),
            f"{_TPG}compute/resource_compute_router_nat.go (GET and PATCH on the router); {_MAP} compute.routers.patch",
        )
        for step in Step
    ),
    StepPermissions(
        types.CLUSTER,
        Step.CREATE,
        "clusters.create, operations.get, clusters.get",
        (
            *_needs("container.clusters.create", "container.operations.get", "container.clusters.get"),
            _ACT_AS,
            _SHARED_VPC_USE,
        ),
        f"{_TPG}container/resource_container_cluster.go; {_GKE_API} (clusters.create: actAs on the node account)",
    ),
    StepPermissions(
        types.CLUSTER,
        Step.UPDATE,
        "clusters.get, clusters.update and set* methods, operations.get",
        _needs("container.clusters.get", "container.clusters.update", "container.operations.get"),
        f"{_TPG}container/resource_container_cluster.go; {_MAP} container.projects.locations.clusters.*",
    ),
    StepPermissions(
        types.CLUSTER,
        Step.DELETE,
        "clusters.delete, operations.get",
        _needs("container.clusters.delete", "container.operations.get"),
        f"{_TPG}container/resource_container_cluster.go; {_GKE_API}",
    ),
    StepPermissions(
        types.NODE_POOL,
        Step.CREATE,
        "nodePools.create, operations.get, nodePools.get",
        (*_needs("container.clusters.update", "container.operations.get", "container.clusters.get"), _ACT_AS),
        f"{_TPG}container/resource_container_node_pool.go; {_GKE_API} (nodePools.create: container.clusters.update)",
    ),
    StepPermissions(
        types.NODE_POOL,
        Step.UPDATE,
        "nodePools.get, nodePools.update, setAutoscaling, setManagement, operations.get",
        _needs("container.clusters.get", "container.clusters.update", "container.operations.get"),
        f"{_TPG}container/resource_container_node_pool.go; {_MAP} container.projects.locations.clusters.nodePools.*",
    ),
    StepPermissions(
        types.NODE_POOL,
        Step.DELETE,
        "nodePools.delete, operations.get",
        _needs("container.clusters.update", "container.operations.get"),
        f"{_TPG}container/resource_container_node_pool.go; {_GKE_API} (nodePools.delete: container.clusters.update)",
    ),
    StepPermissions(
        types.SERVICE_ACCOUNT,
        Step.CREATE,
        "serviceAccounts.create, get",
        _needs("iam.serviceAccounts.create", "iam.serviceAccounts.get"),
        f"{_TPG}resourcemanager/resource_google_service_account.go; {_MAP} iam.projects.serviceAccounts.create",
    ),
    StepPermissions(
        types.SERVICE_ACCOUNT,
        Step.UPDATE,
        "serviceAccounts.get, patch",
        _needs("iam.serviceAccounts.get", "iam.serviceAccounts.update"),
        f"{_TPG}resourcemanager/resource_google_service_account.go; {_MAP} iam.projects.serviceAccounts.patch",
    ),
    StepPermissions(
        types.SERVICE_ACCOUNT,
        Step.DELETE,
        "serviceAccounts.delete",
        _needs("iam.serviceAccounts.delete"),
        f"{_TPG}resourcemanager/resource_google_service_account.go; {_MAP} iam.projects.serviceAccounts.delete",
    ),
    *_iam_member(
        types.PROJECT_IAM_MEMBER,
        "resourcemanager.projects",
        Scope.PROJECT,
        f"{_TPG}resourcemanager/iam_project.go (Projects.GetIamPolicy, Projects.SetIamPolicy); {_MAP}",
    ),
    # The accounts are the stack's own, in the project: a project-level grant reaches them.
    *_iam_member(
        types.SERVICE_ACCOUNT_IAM_MEMBER,
        "iam.serviceAccounts",
        Scope.PROJECT,
        f"{_TPG}resourcemanager/iam_service_account.go; {_MAP} iam.projects.serviceAccounts.*IamPolicy",
    ),
    *_iam_member(
        types.REPOSITORY_IAM_MEMBER,
        "artifactregistry.repositories",
        Scope.REPOSITORIES,
        f"{_TPG}artifactregistry/iam_artifact_registry_repository.go; {_MAP} "
        "artifactregistry.projects.locations.repositories.*IamPolicy",
    ),
    # Re-creating a stack within 7 days of a destroy finds the role soft-deleted: the provider undeletes and patches it.
    StepPermissions(
        types.CUSTOM_ROLE,
        Step.CREATE,
        "roles.get, roles.create, or roles.undelete and roles.patch",
        _needs("iam.roles.get", "iam.roles.create", "iam.roles.undelete", "iam.roles.update"),
        f"{_TPG}resourcemanager/resource_google_project_iam_custom_role.go (Roles.Get, Create, Undelete, Patch); "
        f"{_MAP} iam.projects.roles.*",
    ),
    StepPermissions(
        types.CUSTOM_ROLE,
        Step.UPDATE,
        "roles.get, roles.patch",
        _needs("iam.roles.get", "iam.roles.update"),
        f"{_TPG}resourcemanager/resource_google_project_iam_custom_role.go; {_MAP} iam.projects.roles.patch",
    ),
    StepPermissions(
        types.CUSTOM_ROLE,
        Step.DELETE,
        "roles.delete",
        _needs("iam.roles.delete"),
        f"{_TPG}resourcemanager/resource_google_project_iam_custom_role.go; {_MAP} iam.projects.roles.delete",
    ),
    # The operations these return have no documented permission of their own (operations.get pages list none).
    StepPermissions(
        types.WORKLOAD_IDENTITY_POOL,
        Step.CREATE,
        "workloadIdentityPools.create, operations.get, get",
        _needs(f"{_POOL}.create", f"{_POOL}.get"),
        f"{_TPG}iambeta/resource_iam_workload_identity_pool.go; {_MAP} (as iam.googleapis.com-…)",
    ),
    StepPermissions(
        types.WORKLOAD_IDENTITY_POOL,
        Step.UPDATE,
        "workloadIdentityPools.get, patch, operations.get",
        _needs(f"{_POOL}.get", f"{_POOL}.update"),
        f"{_TPG}iambeta/resource_iam_workload_identity_pool.go; {_IAM_REST}/patch (not in the crawl)",
    ),
    StepPermissions(
        types.WORKLOAD_IDENTITY_POOL,
        Step.DELETE,
        "workloadIdentityPools.delete, operations.get",
        _needs(f"{_POOL}.delete"),
        f"{_TPG}iambeta/resource_iam_workload_identity_pool.go; {_MAP}",
    ),
    StepPermissions(
        types.WORKLOAD_IDENTITY_POOL_PROVIDER,
        Step.CREATE,
        "providers.create, operations.get, get",
        _needs(f"{_POOL_PROVIDER}.create", f"{_POOL_PROVIDER}.get"),
        f"{_TPG}iambeta/resource_iam_workload_identity_pool_provider.go; {_MAP}",
    ),
    StepPermissions(
        types.WORKLOAD_IDENTITY_POOL_PROVIDER,
        Step.UPDATE,
        "providers.get, patch, operations.get",
        _needs(f"{_POOL_PROVIDER}.get", f"{_POOL_PROVIDER}.update"),
        f"{_TPG}iambeta/resource_iam_workload_identity_pool_provider.go; {_IAM_REST}.providers/patch (the crawl "
        "maps it to workforcePoolProviders, wrongly)",
    ),
    StepPermissions(
        types.WORKLOAD_IDENTITY_POOL_PROVIDER,
        Step.DELETE,
        "providers.delete, operations.get",
        _needs(f"{_POOL_PROVIDER}.delete"),
        f"{_TPG}iambeta/resource_iam_workload_identity_pool_provider.go; {_MAP}",
    ),
    # A data source: read once per run, whatever the step.
    *(
        StepPermissions(
            GET_PROJECT,
            step,
            "projects.get",
            _needs("resourcemanager.projects.get"),
            f"{_TPG}resourcemanager/data_source_google_project.go; {_MAP} cloudresourcemanager.projects.get",
        )
        for step in Step
    ),
    # The provider is configuration: its kubeconfig's exec plugin prints a token and calls no API needing a permission.
    *(StepPermissions(types.KUBERNETES_PROVIDER, step, "none", (), "pulumi-kubernetes provider") for step in Step),
    *_kubernetes(types.NAMESPACE, "namespaces"),
    *_kubernetes(types.SERVICE_ACCOUNT_K8S, "serviceAccounts"),
    *_kubernetes(types.RESOURCE_QUOTA, "resourceQuotas"),
    *_kubernetes(types.LIMIT_RANGE, "limitRanges"),
    *_kubernetes(types.NETWORK_POLICY, "networkPolicies"),
    # A custom resource (GKE installs the ComputeClass CRD): the table maps custom objects to thirdPartyObjects.
    *_kubernetes(types.COMPUTE_CLASS, "thirdPartyObjects"),
    # RBAC lets an identity write a Role only with every permission in it through RBAC, or the escalate verb; GKE's
    # IAM permissions are not RBAC, so the deployer needs escalate (and bind for a RoleBinding).
    *_kubernetes(types.ROLE, "roles", Need("container.roles.escalate"), why_extra=f"; {_RBAC}"),
    *_kubernetes(types.ROLE_BINDING, "roleBindings", Need("container.roles.bind"), why_extra=f"; {_RBAC}"),
)


def known_types() -> frozenset[str]:
    return frozenset(row.resource_type for row in TABLE)


def needs_of(resource_type: str) -> frozenset[Need]:
    """Everything a resource's whole life (create, update, delete) needs; empty for a type the table lacks."""
    return frozenset(need for row in TABLE if row.resource_type == resource_type for need in row.needs)
