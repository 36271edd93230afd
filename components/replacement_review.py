"""Day-2 review: which inputs of each declared resource force the provider to replace it, and which config keys
reach them. Plain data, read by the credential-free plan (replace markers against the golden inventory) and by
the cluster identity the Kubernetes provider is keyed on.

Source of every row: the Terraform google provider's schema (``ForceNew``) that pulumi-gcp 10.2.0 bridges, and
pulumi-kubernetes' replace rules; each row's ``source`` names the file or page it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputReview:
    resource_type: str
    """Pulumi type token, as in the plan inventory (e.g. ``gcp:container/cluster:Cluster``)."""
    path: str
    """Dotted input path in the inventory's camelCase spelling (``nodeConfig.machineType``); a change at or below
    it is judged by this row."""
    replaces: bool
    """True when a change forces the resource to be deleted and created again."""
    config_keys: tuple[str, ...]
    """Config keys (without the ``gke-kpo:`` namespace) whose value reaches this input; empty when constant.
    A tenant's field is spelled ``tenants.*.<field>`` (any tenant), and ``tenants.*`` is the tenant's name itself."""
    source: str


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

_TPG = "terraform-provider-google "
_CLUSTER_SRC = _TPG + "resource_container_cluster.go"
_POOL_SRC = _TPG + "resource_container_node_pool.go"
_NODE_SRC = (
    _TPG + "node_config.go schemaNodeConfig; machine_type, disk_size_gb and disk_type update in place "
    "(nodePoolNodeConfigUpdate re-creates the nodes by a rolling update, the pool stays)"
)
_K8S_SRC = "pulumi-kubernetes provider/pkg/provider/diff.go forceNew: metadata.name/namespace for every kind"
_IAM_MEMBER_SRC = _TPG + "tpgiamresource/resource_iam_member.go: role, member, condition ForceNew"
TENANT_NAME = "tenants.*"
"""The key of a tenant's entry: the default of its namespace and of its service account ids."""


def tenant_keys(*fields: str) -> tuple[str, ...]:
    """``tenants.*.<field>`` for each tenant field (gke_kpo/tenant_schema.py); ``task.<f>`` for the task account's."""
    return tuple(f"{TENANT_NAME}.{field.replace('task.', 'task_service_account.')}" for field in fields)


_NAMESPACE_KEYS = (*tenant_keys("namespace"), TENANT_NAME)
_WORKLOAD_IDENTITY_MEMBER_KEYS = (
    "project",
    # gke mode: Airflow's own KSA; task service account: the tenant's KSA in its namespace.
    *tenant_keys("airflow_wi_project", "airflow_k8s_namespace", "airflow_k8s_service_account"),
    *tenant_keys("task.kubernetes_service_account"),
    *_NAMESPACE_KEYS,
)
_ACCOUNT_ID_KEYS = (*tenant_keys("airflow_gsa_name", "task.account_id"), TENANT_NAME)
"""Both tenant Google SAs (gke-mode Airflow, task) take their id from config, by default from the tenant name."""
_AIRFLOW_IDENTITY_KEYS = tenant_keys("identity_mode", "airflow_service_account", "airflow_gsa_name")
_XCOM_KEYS = ("xcom_push", *tenant_keys("xcom_push"))
_QUOTA_KEYS = ("quota_pods", "quota_cpu", "quota_memory", "quota_gpus")
_LIMIT_KEYS = ("default_cpu_request", "default_memory_request", "max_container_cpu", "max_container_memory")
_K8S_METADATA_KEYS = (
    *_NAMESPACE_KEYS,
    *("access_model", *_XCOM_KEYS, "gpu_count", *_AIRFLOW_IDENTITY_KEYS),
    *(*_ACCOUNT_ID_KEYS, "project"),
)
"""The Namespace's intent labels and identity annotations; the task KSA's Workload Identity annotation."""
_NAMES = ("cluster_name",)
"""The name prefix of every created network resource and of the node service account is the cluster name."""


def _fixed_k8s_name_keys(resource_type: str) -> tuple[str, ...]:
    """The Kubernetes objects' names are constants (kpo-launcher, kpo-quota, ...) except these two."""
    if resource_type == NAMESPACE:
        return _NAMESPACE_KEYS
    if resource_type == SERVICE_ACCOUNT_K8S:
        return tenant_keys("task.kubernetes_service_account")
    return ()


def _rows(resource_type: str, source: str, *rows: tuple[str, bool, tuple[str, ...]]) -> tuple[InputReview, ...]:
    return tuple(InputReview(resource_type, path, replaces, keys, source) for path, replaces, keys in rows)


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
        ("privateClusterConfig", False, ("private_endpoint",)),
        ("privateClusterConfig.masterIpv4CidrBlock", True, ("master_cidr",)),
        ("masterAuth", False, ()),
        ("masterAuth.clientCertificateConfig", True, ()),
        ("masterAuthorizedNetworksConfig", False, ("master_authorized_networks",)),
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
        # A constant (gke_kpo/node_config.py), and in ignore_changes: GKE reports resizes back into it.
        ("initialNodeCount", True, ()),
        ("autoscaling", False, ("system_min_nodes", "system_max_nodes", "gpu_min_nodes", "gpu_max_nodes")),
        ("management", False, ()),
        ("nodeLocations", False, ("gpu_node_locations",)),
    ),
    *_node_config_rows(
        NODE_POOL,
        {
            "machineType": ("system_machine_type", "gpu_machine_type"),
            "diskSizeGb": ("system_disk_gb",),
            "labels": ("gpu_accelerator",),
            "spot": ("gpu_spot",),
            "guestAccelerators": ("gpu_accelerator", "gpu_count", "gpu_driver_version"),
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
        _TPG + "resource_compute_subnetwork.go (ipCidrRange: ForceNewIfChange on shrinkage only)",
        ("name", True, _NAMES),
        ("project", True, ("project",)),
        ("region", True, ("region",)),
        ("network", True, _NAMES),
        ("ipCidrRange", False, ("subnet_cidr",)),
        ("privateIpGoogleAccess", False, ()),
        ("secondaryIpRanges", False, ("pods_cidr", "services_cidr", "pods_range_name", "services_range_name")),
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
        # The node account, and per tenant the gke-mode Airflow account and the task account.
        ("accountId", True, ("cluster_name", *_ACCOUNT_ID_KEYS)),
        ("project", True, ("project",)),
        ("displayName", False, ("cluster_name", TENANT_NAME)),
    ),
    *_rows(
        PROJECT_IAM_MEMBER,
        _IAM_MEMBER_SRC + "; iam_project.go: project ForceNew",
        # The node role, each tenant's custom-role binding, and one member per role of a tenant's task account.
        ("project", True, ("project",)),
        ("role", True, ("custom_role_id", "cluster_name", "project", *tenant_keys("task.roles"))),
        ("member", True, ("cluster_name", "project", *_AIRFLOW_IDENTITY_KEYS, *_ACCOUNT_ID_KEYS)),
    ),
    *_rows(
        SERVICE_ACCOUNT_IAM_MEMBER,
        _IAM_MEMBER_SRC + "; iam_service_account.go: service_account_id ForceNew",
        # Per tenant the workloadIdentityUser bindings on its Airflow and task accounts; the deployer's actAs on the
        # node account (deployer_member).
        ("serviceAccountId", True, (*_ACCOUNT_ID_KEYS, "cluster_name", "project")),
        ("role", True, ()),
        ("member", True, (*_WORKLOAD_IDENTITY_MEMBER_KEYS, "deployer_member")),
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
        ("permissions", False, ("access_model", *_XCOM_KEYS)),
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
        for resource_type in (NAMESPACE, SERVICE_ACCOUNT_K8S, RESOURCE_QUOTA, LIMIT_RANGE, ROLE, ROLE_BINDING)
        for row in _rows(
            resource_type,
            _K8S_SRC,
            ("apiVersion", False, ()),
            ("kind", False, ()),
            ("metadata", False, _K8S_METADATA_KEYS),
            ("metadata.name", True, _fixed_k8s_name_keys(resource_type)),
            ("metadata.namespace", True, _NAMESPACE_KEYS),
        )
    ),
    *_rows(ROLE, _K8S_SRC, ("rules", False, _XCOM_KEYS)),
    *_rows(
        ROLE_BINDING,
        "Kubernetes RBAC API: roleRef is immutable, so a change means delete and create",
        ("roleRef", True, ()),
        ("subjects", False, _AIRFLOW_IDENTITY_KEYS),
    ),
    *_rows(
        RESOURCE_QUOTA,
        _K8S_SRC + "; ResourceQuota: spec.scopes",
        ("spec", False, (*_QUOTA_KEYS, *tenant_keys(*_QUOTA_KEYS), "gpu_count")),
        ("spec.scopes", True, ()),
    ),
    *_rows(LIMIT_RANGE, _K8S_SRC, ("spec", False, (*_LIMIT_KEYS, *tenant_keys(*_LIMIT_KEYS)))),
    *_rows(SERVICE_ACCOUNT_K8S, _K8S_SRC, ("automountServiceAccountToken", False, ())),
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
    row = governing_row(resource_type, changed_path)
    return row is not None and row.replaces
