"""The stack output contract: names the renderer and the policy pack rely on."""

from __future__ import annotations

from typing import Final

PROJECT: Final = "project"
LOCATION: Final = "location"
CLUSTER_NAME: Final = "cluster_name"
ENDPOINT: Final = "endpoint"
CLUSTER_CA_CERTIFICATE: Final = "cluster_ca_certificate"
DNS_ENDPOINT: Final = "dns_endpoint"
"""``<uid>.<location>.gke.goog``: the DNS-based endpoint, reported on every cluster."""
CONTROL_PLANE_ACCESS: Final = "control_plane_access"
"""``dns``, ``ip`` or ``dns+ip``: which endpoint the rendered files use (DNS unless ``ip``)."""
ACCESS_MODEL: Final = "access_model"
IAM_PERMISSIONS: Final = "iam_permissions"
GPU: Final = "gpu"
"""The first GPU pool as one-pool stacks always had it (accelerator, count, taint, node_selector); null: no pool."""
GPU_POOLS: Final = "gpu_pools"
"""Every GPU pool, keyed by name: POOL_FIELDS below."""
KUBECONFIG: Final = "kubeconfig"
TENANTS: Final = "tenants"

OUTPUT_NAMES: Final = (
    PROJECT,
    LOCATION,
    CLUSTER_NAME,
    ENDPOINT,
    CLUSTER_CA_CERTIFICATE,
    DNS_ENDPOINT,
    CONTROL_PLANE_ACCESS,
    ACCESS_MODEL,
    IAM_PERMISSIONS,
    GPU,
    GPU_POOLS,
    KUBECONFIG,
    TENANTS,
)

# The fields of each entry of TENANTS (an object keyed by tenant name).
NAMESPACE: Final = "namespace"
AIRFLOW_IDENTITY: Final = "airflow_identity"
IDENTITY_MODE: Final = "identity_mode"
XCOM_PUSH: Final = "xcom_push"
RBAC_RULES: Final = "rbac_rules"
GPU_QUOTA: Final = "gpu_quota"
TENANT_GPU_POOLS: Final = "gpu_pools"
"""The names (keys of GPU_POOLS) of the pools the tenant's tasks may use."""
TASK_SERVICE_ACCOUNT: Final = "task_service_account"
"""``null`` when the tenant has none: the Python SDK keeps a None nested in a dict as JSON null (it drops only
top-level None exports: pulumi.runtime.rpc serialize_properties skips them, serialize_property does not)."""

CREDENTIAL_CONFIG: Final = "credential_config"
"""identity_mode federated: the ``external_account`` file the renderer writes as gcp-credentials.json (no secret:
it names the provider, the token file and the service account to impersonate); ``null`` otherwise."""

TENANT_FIELDS: Final = (
    NAMESPACE,
    AIRFLOW_IDENTITY,
    IDENTITY_MODE,
    XCOM_PUSH,
    RBAC_RULES,
    GPU_QUOTA,
    TENANT_GPU_POOLS,
    TASK_SERVICE_ACCOUNT,
    CREDENTIAL_CONFIG,
)

# The fields of each entry of GPU_POOLS.
ACCELERATOR: Final = "accelerator"
TASK_GPUS: Final = "task_gpus"
"""nvidia.com/gpu one task requests: the node's GPUs, or 1 on a pool whose GPUs are shared."""
CAPACITY: Final = "capacity"
NODE_SELECTOR: Final = "node_selector"
TOLERATIONS: Final = "tolerations"
POOL_FIELDS: Final = (ACCELERATOR, TASK_GPUS, CAPACITY, NODE_SELECTOR, TOLERATIONS)

# The fields of a non-null TASK_SERVICE_ACCOUNT.
KUBERNETES_SERVICE_ACCOUNT: Final = "kubernetes_service_account"
GOOGLE_SERVICE_ACCOUNT: Final = "google_service_account"
ROLES: Final = "roles"

GPU_TAINT: Final = {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
"""The taint every GPU node carries, in Kubernetes spelling (GKE's API spells the effect NO_SCHEDULE)."""

GPU_TAINT_GKE_EFFECT: Final = "NO_SCHEDULE"
"""GKE's API spelling of GPU_TAINT's effect, as node pools and the policy pack see it."""

GPU_NODE_LABEL: Final = "gke-kpo/accelerator"
"""Label put on GPU nodes (value: the accelerator type) so a DAG can select them."""
