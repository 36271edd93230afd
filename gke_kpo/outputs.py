"""The stack output contract: names the renderer and the policy pack rely on."""

from __future__ import annotations

from typing import Final

PROJECT: Final = "project"
LOCATION: Final = "location"
CLUSTER_NAME: Final = "cluster_name"
ENDPOINT: Final = "endpoint"
CLUSTER_CA_CERTIFICATE: Final = "cluster_ca_certificate"
NAMESPACE: Final = "namespace"
AIRFLOW_IDENTITY: Final = "airflow_identity"
ACCESS_MODEL: Final = "access_model"
XCOM_PUSH: Final = "xcom_push"
IAM_PERMISSIONS: Final = "iam_permissions"
RBAC_RULES: Final = "rbac_rules"
GPU: Final = "gpu"
KUBECONFIG: Final = "kubeconfig"

OUTPUT_NAMES: Final = (
    PROJECT,
    LOCATION,
    CLUSTER_NAME,
    ENDPOINT,
    CLUSTER_CA_CERTIFICATE,
    NAMESPACE,
    AIRFLOW_IDENTITY,
    ACCESS_MODEL,
    XCOM_PUSH,
    IAM_PERMISSIONS,
    RBAC_RULES,
    GPU,
    KUBECONFIG,
)

GPU_TAINT: Final = {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
"""The taint every GPU node carries, in Kubernetes spelling (GKE's API spells the effect NO_SCHEDULE)."""

GPU_TAINT_GKE_EFFECT: Final = "NO_SCHEDULE"
"""GKE's API spelling of GPU_TAINT's effect, as node pools and the policy pack see it."""

GPU_NODE_LABEL: Final = "gke-kpo/accelerator"
"""Label put on GPU nodes (value: the accelerator type) so a DAG can select them."""
