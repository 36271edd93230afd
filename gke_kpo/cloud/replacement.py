"""Day-2 review: which inputs of each declared resource force the provider to replace it, and which config keys
reach them. Plain data, read by the credential-free plan (replace markers against the golden inventory) and by
the cluster identity the Kubernetes provider is keyed on.

Source of every row: the Terraform google provider's schema (``ForceNew``) that pulumi-gcp 10.2.0 bridges, and
pulumi-kubernetes' replace rules; each row's ``source`` names the file or page it was read from.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InputReview:
    resource_type: str
    """Pulumi type token, as in the plan inventory (e.g. ``gcp:container/cluster:Cluster``)."""
    path: str
    """Dotted input path in the inventory's camelCase spelling (``nodeConfig.machineType``); a change at or below
    it is judged by this row."""
    replaces: bool
    """True when a change can force the resource to be deleted and created again (for a conditional row: when
    some change does; ``replaces_when`` then decides for a given old and new value)."""
    config_keys: tuple[str, ...]
    """Config keys (without the ``gke-kpo:`` namespace; a tenant field as ``tenants.<field>``) whose value reaches
    this input; empty when constant."""
    source: str
    replaces_when: str = ""
    """Name of a rule in ``REPLACE_RULES`` for inputs whose ForceNew depends on the values (the provider's
    ``customdiff.ForceNewIfChange``); empty when ``replaces`` alone decides."""
    note: str = ""
    """What a change does besides update or replace, printed by the plan next to the changed input."""


def _cidr_not_widened(old: Any, new: Any) -> bool:
    """terraform-provider-google google/services/compute/resource_compute_subnetwork.go (read at 0110d02a):
    ``CustomizeDiff: customdiff.ForceNewIfChange("ip_cidr_range", IsShrinkageIpCidr)``, and ``IsShrinkageIpCidr``
    is false only when the new range contains both ends of the old one ("a CIDR range expansion ... we have an
    update method for it"). So widening updates in place; shrinking or moving replaces the subnet. A value that is
    not a CIDR (unknown until a dependency is created) is taken as replacing."""
    try:
        before, after = ipaddress.ip_network(str(old), strict=False), ipaddress.ip_network(str(new), strict=False)
    except ValueError:
        return True
    return not (before.network_address in after and before.broadcast_address in after)


def _set_to_another_value(_old: Any, new: Any) -> bool:
    """An Optional+Computed ForceNew input (schema ``Optional: true, Computed: true, ForceNew: true``): a new
    value replaces the resource, while removing it from the program keeps the value the resource has (the
    provider plans the prior state for an unset computed attribute), so a removal is no change at all."""
    return new is not None


REPLACE_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "cidr_not_widened": _cidr_not_widened,
    "set_to_another_value": _set_to_another_value,
}
"""Named value rules a row's ``replaces_when`` refers to: (old, new) -> whether the change replaces."""
ROLLING_NODES = "in place: rolling node re-creation"
AUTOSCALING_NOTE = "in place; the bounds are the pool's totals over its zones"


CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
NETWORK = "gcp:compute/network:Network"
SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"
ROUTER = "gcp:compute/router:Router"
ROUTER_NAT = "gcp:compute/routerNat:RouterNat"
SERVICE_ACCOUNT = "gcp:serviceaccount/account:Account"
PROJECT_IAM_MEMBER = "gcp:projects/iAMMember:IAMMember"
SERVICE_ACCOUNT_IAM_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
CUSTOM_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole"
REPOSITORY_IAM_MEMBER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"
NAMESPACE = "kubernetes:core/v1:Namespace"
SERVICE_ACCOUNT_K8S = "kubernetes:core/v1:ServiceAccount"
RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota"
LIMIT_RANGE = "kubernetes:core/v1:LimitRange"
ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
COMPUTE_CLASS = "kubernetes:cloud.google.com/v1:ComputeClass"
WORKLOAD_IDENTITY_POOL = "gcp:iam/workloadIdentityPool:WorkloadIdentityPool"
WORKLOAD_IDENTITY_POOL_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"

_TPG = "terraform-provider-google "
_CLUSTER_SRC = _TPG + "resource_container_cluster.go"
_POOL_SRC = _TPG + "resource_container_node_pool.go"
_NODE_SRC = (
    _TPG + "node_config.go schemaNodeConfig; machine_type, disk_size_gb and disk_type update in place "
    "(nodePoolNodeConfigUpdate re-creates the nodes by a rolling update, the pool stays)"
)
_K8S_SRC = "pulumi-kubernetes provider/pkg/provider/diff.go forceNew: metadata.name/namespace for every kind"
_IAM_MEMBER_SRC = _TPG + "tpgiamresource/resource_iam_member.go: role, member, condition ForceNew"
_WIF_SRC = (
    _TPG + "services/iamworkloadidentitypool (project and the pool/provider ids immutable; oidc, "
    "attribute_condition and attribute_mapping update in place; docs/federation.md) "
)
_NAMES = ("cluster_name",)
"""The name prefix of every created network resource and of the node service account is the cluster name."""


def _tenant(*fields: str, named: bool = True) -> tuple[str, ...]:
    """Tenant fields (gke_kpo/config/tenant_fields.py) as keys, ``tenants.<field>``, led by ``tenants`` itself when the
    input also holds the tenant's name (per-tenant account ids, the default namespace, members, subjects)."""
    return (*(("tenants",) if named else ()), *(f"tenants.{field}" for field in fields))


_QUOTAS = ("quota_pods", "quota_cpu", "quota_memory", "quota_gpus")
_LIMITS = ("default_cpu_request", "default_memory_request", "max_container_cpu", "max_container_memory")


def _rows(
    resource_type: str, source: str, *rows: tuple[str, bool, tuple[str, ...]], notes: dict[str, str] | None = None
) -> tuple[InputReview, ...]:
    return tuple(
        InputReview(resource_type, path, replaces, keys, source, note=(notes or {}).get(path, ""))
        for path, replaces, keys in rows
    )


def _node_config_rows(resource_type: str, keys: dict[str, tuple[str, ...]]) -> tuple[InputReview, ...]:
    """nodeConfig is shared by the cluster (default pool) and the pools; the block itself forces a new resource
    only when it appears or disappears, each field by its own ForceNew."""
    return _rows(
        resource_type,
        _NODE_SRC,
        ("nodeConfig", True, ()),
        ("nodeConfig.machineType", False, keys.get("machineType", ())),
        ("nodeConfig.diskSizeGb", False, keys.get("diskSizeGb", ())),
        ("nodeConfig.diskType", False, ()),
        ("nodeConfig.imageType", False, ()),
        ("nodeConfig.labels", False, keys.get("labels", ())),
        ("nodeConfig.taints", False, ()),
        ("nodeConfig.workloadMetadataConfig", False, ()),
        ("nodeConfig.serviceAccount", True, ("project", "cluster_name")),
        ("nodeConfig.oauthScopes", True, ()),
        ("nodeConfig.shieldedInstanceConfig", True, ()),
        ("nodeConfig.spot", True, keys.get("spot", ())),
        ("nodeConfig.guestAccelerators", True, keys.get("guestAccelerators", ())),
        # GPU pools only (gke_kpo/spec/gpu_pools.py): capacity mode and image streaming. Read in node_config.go at
        # commit 8da4e91560e7: flex_start and max_run_duration ForceNew, schemaGcfsConfig without ForceNew (updated
        # in place); reservation_affinity ForceNew as read in an earlier version of the same file.
        ("nodeConfig.flexStart", True, keys.get("capacity", ())),
        ("nodeConfig.maxRunDuration", True, keys.get("capacity", ())),
        ("nodeConfig.reservationAffinity", True, keys.get("capacity", ())),
        ("nodeConfig.gcfsConfig", False, keys.get("capacity", ())),
        notes=dict.fromkeys(("nodeConfig.machineType", "nodeConfig.diskSizeGb", "nodeConfig.diskType"), ROLLING_NODES),
    )


REVIEW: tuple[InputReview, ...] = (
    *_rows(
        CLUSTER,
        _CLUSTER_SRC,
        ("name", True, ("cluster_name",)),
        ("location", True, ("region", "zone")),
        ("project", True, ("project",)),
        ("network", True, ("network", *_NAMES, "project")),
        ("subnetwork", True, ("subnetwork", *_NAMES, "project", "region")),
        ("networkingMode", True, ()),
        ("ipAllocationPolicy", True, ("pods_range_name", "services_range_name")),
        ("datapathProvider", True, ()),
        # Only the removed default pool reads these two; both are in ignore_changes (components/cluster.py).
        ("initialNodeCount", True, ()),
        ("removeDefaultNodePool", False, ()),
        # enable_private_endpoint, master_global_access_config and control_plane_endpoints_config are sent
        # together as DesiredControlPlaneEndpointsConfig by resourceContainerClusterUpdate; enable_private_nodes
        # as DesiredDefaultEnablePrivateNodes (v7.45.0 and 8.0, e03b7622a2).
        ("privateClusterConfig", False, ("private_endpoint", "control_plane_access")),
        ("controlPlaneEndpointsConfig", False, ("control_plane_access",)),
        ("masterAuth", False, ()),
        ("masterAuth.clientCertificateConfig", True, ()),
        ("masterAuthorizedNetworksConfig", False, ("master_authorized_networks", "control_plane_access")),
        ("workloadIdentityConfig", False, ("project",)),
        ("releaseChannel", False, ("release_channel",)),
        ("enableLegacyAbac", False, ()),
        ("enableShieldedNodes", False, ()),
        ("loggingConfig", False, ()),
        ("monitoringConfig", False, ()),
        ("deletionProtection", False, ("deletion_protection",)),
        ("resourceLabels", False, ()),
    ),
    *_node_config_rows(CLUSTER, {}),
    *_rows(
        NODE_POOL,
        _POOL_SRC,
        ("name", True, ()),
        ("cluster", True, ("cluster_name",)),
        ("location", True, ("region", "zone")),
        ("project", True, ("project",)),
        # A constant (gke_kpo/spec/nodes.py), per zone, and in ignore_changes: GKE reports resizes back into it.
        ("initialNodeCount", True, ()),
        ("management", False, ("gpu_pools",)),
        ("nodeLocations", False, ("gpu_node_locations", "gpu_pools")),
    ),
    InputReview(
        NODE_POOL,
        "autoscaling",
        False,
        ("system_min_nodes", "system_max_nodes", "gpu_min_nodes", "gpu_max_nodes", "gpu_pools"),
        _POOL_SRC + ": autoscaling is not ForceNew; nodePoolUpdate sends the whole block (per-zone and total counts, "
        "location_policy) in one ClusterUpdate.DesiredNodePoolAutoscaling, so a per-zone pool moves to total counts "
        "in place; total_* and min/max_node_count exclude each other (GKE API NodePoolAutoscaling)",
        note=AUTOSCALING_NOTE,
    ),
    *_node_config_rows(
        NODE_POOL,
        {
            "machineType": ("system_machine_type", "gpu_machine_type", "gpu_pools"),
            "diskSizeGb": ("system_disk_gb",),
            "labels": ("gpu_accelerator", "gpu_pools"),
            "spot": ("gpu_spot", "gpu_pools"),
            "guestAccelerators": ("gpu_accelerator", "gpu_count", "gpu_driver_version", "gpu_pools"),
            "capacity": ("gpu_pools",),
        },
    ),
    *_rows(
        NETWORK,
        _TPG + "resource_compute_network.go",
        ("name", True, _NAMES),
        ("project", True, ("project",)),
        ("autoCreateSubnetworks", True, ()),
        ("routingMode", False, ()),
    ),
    *_rows(
        SUBNETWORK,
        _TPG + "resource_compute_subnetwork.go",
        ("name", True, _NAMES),
        ("project", True, ("project",)),
        ("region", True, ("region",)),
        ("network", True, _NAMES),
        ("privateIpGoogleAccess", False, ()),
        ("secondaryIpRanges", False, ("pods_cidr", "services_cidr", "pods_range_name", "services_range_name")),
    ),
    InputReview(
        CLUSTER,
        "privateClusterConfig.masterIpv4CidrBlock",
        True,
        ("master_cidr",),
        _CLUSTER_SRC + " (v7.45.0, 8.0 e03b7622a2): master_ipv4_cidr_block Optional, Computed, ForceNew",
        replaces_when="set_to_another_value",
        note="removing it keeps the cluster's range (computed): no change",
    ),
    InputReview(
        SUBNETWORK,
        "ipCidrRange",
        True,
        ("subnet_cidr",),
        _TPG + "resource_compute_subnetwork.go: customdiff.ForceNewIfChange(ip_cidr_range, IsShrinkageIpCidr)",
        replaces_when="cidr_not_widened",
        note="in place only when widened",
    ),
    *_rows(
        ROUTER,
        _TPG + "resource_compute_router.go",
        ("name", True, _NAMES),
        ("project", True, ("project",)),
        ("region", True, ("region",)),
        ("network", True, _NAMES),
    ),
    *_rows(
        ROUTER_NAT,
        _TPG + "resource_compute_router_nat.go",
        ("name", True, _NAMES),
        ("project", True, ("project",)),
        ("region", True, ("region",)),
        ("router", True, _NAMES),
        ("natIpAllocateOption", False, ()),
        ("sourceSubnetworkIpRangesToNat", False, ()),
        ("logConfig", False, ()),
    ),
    *_rows(
        SERVICE_ACCOUNT,
        _TPG + "resource_google_service_account.go",
        ("accountId", True, ("cluster_name", *_tenant("airflow_gsa_name", "task_service_account", "federation"))),
        ("project", True, ("project",)),
        ("displayName", False, ("cluster_name",)),
    ),
    *_rows(
        PROJECT_IAM_MEMBER,
        _IAM_MEMBER_SRC + "; iam_project.go: project ForceNew",
        ("project", True, ("project",)),
        ("role", True, ("custom_role_id", "cluster_name", "project", *_tenant("task_service_account", named=False))),
        (
            "member",
            True,
            (
                "cluster_name",
                "project",
                *_tenant(
                    "airflow_service_account", "airflow_gsa_name", "identity_mode", "task_service_account", "federation"
                ),
            ),
        ),
    ),
    *_rows(
        SERVICE_ACCOUNT_IAM_MEMBER,
        _IAM_MEMBER_SRC + "; iam_service_account.go: service_account_id ForceNew",
        # Airflow's and the task account's workloadIdentityUser bindings, and the deployer's actAs on the node account.
        (
            "serviceAccountId",
            True,
            ("cluster_name", "project", *_tenant("airflow_gsa_name", "task_service_account", "federation")),
        ),
        ("role", True, ()),
        (
            "member",
            True,
            (
                "project",
                *_tenant(
                    "airflow_wi_project",
                    "airflow_k8s_namespace",
                    "airflow_k8s_service_account",
                    "namespace",
                    "task_service_account",
                    "federation",
                ),
                "project_number",
                "federation_pool_id",
                "deployer_member",
            ),
        ),
    ),
    *_rows(
        REPOSITORY_IAM_MEMBER,
        _IAM_MEMBER_SRC + "; artifactregistry/iam_artifact_registry_repository.go: project, location, repository",
        ("project", True, ("artifact_registry_repositories",)),
        ("location", True, ("artifact_registry_repositories",)),
        ("repository", True, ("artifact_registry_repositories",)),
        ("role", True, ()),
        ("member", True, ("cluster_name", "project")),
    ),
    *_rows(
        CUSTOM_ROLE,
        _TPG + "resource_google_project_iam_custom_role.go",
        ("roleId", True, ("custom_role_id", "cluster_name")),
        ("project", True, ("project",)),
        ("title", False, ()),
        ("description", False, ("access_model",)),
        ("permissions", False, ("access_model", "xcom_push")),
        ("stage", False, ()),
    ),
    *_rows(
        KUBERNETES_PROVIDER,
        "pulumi-kubernetes ProviderArgs.clusterIdentifier: the provider is replaced only when it changes, and "
        "every resource on it with it; kubeconfig changes are updates",
        ("clusterIdentifier", True, ()),  # keys: those of the cluster's replacing rows (gke_kpo/cluster_identity.py)
        ("kubeconfig", False, ()),
    ),
    *(
        row
        for resource_type in (
            NAMESPACE,
            SERVICE_ACCOUNT_K8S,
            RESOURCE_QUOTA,
            LIMIT_RANGE,
            ROLE,
            ROLE_BINDING,
            NETWORK_POLICY,
        )
        for row in _rows(
            resource_type,
            _K8S_SRC,
            ("apiVersion", False, ()),
            ("kind", False, ()),
            (
                "metadata",
                False,
                (
                    "access_model",
                    "xcom_push",
                    "gpu_count",
                    *_tenant(
                        "xcom_push",
                        "airflow_service_account",
                        "task_service_account",
                        "federation",
                        "egress",
                        "pod_security",
                    ),
                ),
            ),
            ("metadata.name", True, _tenant("namespace", "task_service_account")),
            ("metadata.namespace", True, _tenant("namespace")),
        )
    ),
    *_rows(ROLE, _K8S_SRC, ("rules", False, ("xcom_push", *_tenant("xcom_push", named=False)))),
    *_rows(
        ROLE_BINDING,
        "Kubernetes RBAC API: roleRef is immutable, so a change means delete and create",
        ("roleRef", True, ()),
        (
            "subjects",
            False,
            _tenant(
                "airflow_service_account", "airflow_gsa_name", "identity_mode", "task_service_account", "federation"
            ),
        ),
    ),
    *_rows(
        RESOURCE_QUOTA,
        _K8S_SRC + "; ResourceQuota: spec.scopes",
        ("spec", False, ("gpu_count", *_QUOTAS, *_tenant(*_QUOTAS, named=False))),
        ("spec.scopes", True, ()),
    ),
    *_rows(
        LIMIT_RANGE,
        _K8S_SRC,
        (
            "spec",
            False,
            (*_LIMITS, *_tenant(*_LIMITS, named=False)),
        ),
    ),
    *_rows(SERVICE_ACCOUNT_K8S, _K8S_SRC, ("automountServiceAccountToken", False, ())),
    *_rows(
        COMPUTE_CLASS,
        _K8S_SRC,
        ("apiVersion", False, ()),
        ("kind", False, ()),
        ("metadata", False, ("gpu_pools",)),
        ("spec", False, ("gpu_pools",)),
    ),
    *_rows(
        NETWORK_POLICY,
        _K8S_SRC,
        ("spec", False, ("subnet_cidr", "pods_cidr", "services_cidr", "network", *_tenant("egress", "egress_cidrs"))),
    ),
    *_rows(
        WORKLOAD_IDENTITY_POOL,
        _WIF_SRC + "resource_iam_workload_identity_pool.go",
        ("workloadIdentityPoolId", True, ("federation_pool_id", "cluster_name")),
        ("project", True, ("project",)),
        ("displayName", False, ()),
        ("description", False, ()),
    ),
    *_rows(
        WORKLOAD_IDENTITY_POOL_PROVIDER,
        _WIF_SRC + "resource_iam_workload_identity_pool_provider.go",
        ("workloadIdentityPoolId", True, ("federation_pool_id", "cluster_name")),
        # The provider id is a digest of the issuer (gke_kpo/cloud/federation.py): a new issuer, a new provider.
        ("workloadIdentityPoolProviderId", True, _tenant("federation", named=False)),
        ("project", True, ("project",)),
        ("displayName", False, _tenant("federation", named=False)),
        ("description", False, _tenant("federation", named=False)),
        ("attributeMapping", False, ()),
        ("attributeCondition", False, _tenant("federation", named=False)),
        ("oidc", False, ("project_number", "federation_pool_id", *_tenant("federation", named=False))),
    ),
)


def rows_for(resource_type: str) -> tuple[InputReview, ...]:
    return tuple(row for row in REVIEW if row.resource_type == resource_type)


def governing_row(resource_type: str, changed_path: str) -> InputReview | None:
    """The most specific row whose path is ``changed_path`` or one of its parents."""
    candidates = [
        row
        for row in rows_for(resource_type)
        if changed_path == row.path
        or changed_path.startswith(f"{row.path}.")
        or changed_path.startswith(f"{row.path}[")
    ]
    return max(candidates, key=lambda row: len(row.path), default=None)


def forces_replacement(resource_type: str, changed_path: str) -> bool:
    """Whether some change of the input replaces the resource (a conditional row counts: some change does)."""
    row = governing_row(resource_type, changed_path)
    return row is not None and row.replaces


def change_replaces(resource_type: str, changed_path: str, old: Any, new: Any) -> bool:
    """Whether this change, from ``old`` to ``new``, replaces the resource. A conditional row's rule judges the
    row's own input; a change below it (a part of the value) is judged by ``replaces`` alone."""
    row = governing_row(resource_type, changed_path)
    if row is None or not row.replaces:
        return False
    if row.replaces_when and changed_path == row.path:
        return REPLACE_RULES[row.replaces_when](old, new)
    return True
