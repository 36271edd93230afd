"""Real-shaped stack outputs pointing at the loopback fakes."""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud.control_plane import ControlPlaneAccess
from gke_kpo.cloud.permissions import AccessModel, custom_role_permissions, rbac_rules
from gke_kpo.contract import outputs as names
from gke_kpo.preview.mock_cloud import mock_dns_endpoint
from gke_kpo.render import render_files
from gke_kpo.spec.kubeconfig import api_server, kubeconfig_yaml

PROJECT, LOCATION, CLUSTER = "e2e-project", "us-central1-a", "kpo-e2e"
NAMESPACE = "kpo-tasks"
TENANT = "team-e2e"


GPU_POOL: dict[str, Any] = {
    "accelerator": "nvidia-l4",
    "count": 1,
    "taint": names.GPU_TAINT,
    "node_selector": {names.GPU_NODE_LABEL: "nvidia-l4"},
}
"""The ``gpu`` output of a stack with a GPU pool (scaled to zero until a GPU task arrives)."""


def loopback_outputs(
    endpoint: str,
    ca_base64: str,
    service_account: str,
    xcom_push: bool = False,
    gpu: dict[str, Any] | None = None,
    credential_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``credential_config``: a federated tenant's (its Google URLs may point at loopback emulations)."""
    return {
        names.PROJECT: PROJECT,
        names.LOCATION: LOCATION,
        names.CLUSTER_NAME: CLUSTER,
        names.ENDPOINT: endpoint,
        names.CLUSTER_CA_CERTIFICATE: ca_base64,
        names.ACCESS_MODEL: AccessModel.NAMESPACED.value,
        names.IAM_PERMISSIONS: custom_role_permissions(AccessModel.NAMESPACED, xcom_push),
        names.GPU: gpu,
        names.KUBECONFIG: kubeconfig_yaml(PROJECT, LOCATION, CLUSTER, endpoint, ca_base64),
        names.TENANTS: {
            TENANT: {
                names.NAMESPACE: NAMESPACE,
                names.AIRFLOW_IDENTITY: service_account,
                names.IDENTITY_MODE: "astro" if credential_config is None else "federated",
                names.XCOM_PUSH: xcom_push,
                names.RBAC_RULES: rbac_rules(xcom_push),
                names.GPU_QUOTA: gpu["count"] if gpu else 0,
                names.TASK_SERVICE_ACCOUNT: None,
                names.CREDENTIAL_CONFIG: credential_config,
            }
        },
    }


DNS_ENDPOINT = mock_dns_endpoint(PROJECT, LOCATION, CLUSTER)
"""The cluster's ``<uid>.<location>.gke.goog`` name, made up the way the mock run makes it."""


def dns_stack_outputs(ip_endpoint: str, ca_base64: str, service_account: str) -> dict[str, Any]:
    """The outputs of a ``control_plane_access: dns`` stack: the IP endpoint and its CA are still reported
    (the seed's contract), the kubeconfig output takes the DNS path as the stack builds it."""
    access = ControlPlaneAccess.DNS
    server, pinned_ca = api_server(access, ip_endpoint, DNS_ENDPOINT, ca_base64)
    return loopback_outputs(ip_endpoint, ca_base64, service_account) | {
        names.DNS_ENDPOINT: DNS_ENDPOINT,
        names.CONTROL_PLANE_ACCESS: access.value,
        names.IAM_PERMISSIONS: custom_role_permissions(AccessModel.NAMESPACED, False, dns_endpoint=True),
        names.KUBECONFIG: kubeconfig_yaml(PROJECT, LOCATION, CLUSTER, server, pinned_ca),
    }


def tenant_files(outputs: dict[str, Any], **options: Any) -> dict[str, str]:
    """The rendered files of TENANT, keyed by their path inside its folder."""
    prefix = f"{TENANT}/"
    return {path.removeprefix(prefix): text for path, text in render_files(outputs, **options).items()}
