"""The exec-plugin kubeconfig shared by the stack's Kubernetes provider, its output and the renderer."""

from __future__ import annotations

from typing import Any

from gke_kpo.yaml_text import safe_dump

AUTH_PLUGIN = "gke-gcloud-auth-plugin"
AUTH_PLUGIN_ARGS = ["--use_application_default_credentials"]
"""ADC: the token comes straight from Workload Identity (or the caller's ADC); no gcloud CLI needed."""

INSTALL_HINT = (
    "gke-gcloud-auth-plugin is required: install the google-cloud-cli-gke-gcloud-auth-plugin "
    "package, or copy the binary from the google-cloud-cli image."
)


def context_name(project: str, location: str, cluster_name: str) -> str:
    """GKE's own naming, as `gcloud container clusters get-credentials` writes it."""
    return f"gke_{project}_{location}_{cluster_name}"


def kubeconfig_dict(
    project: str, location: str, cluster_name: str, endpoint: str, ca_certificate: str
) -> dict[str, Any]:
    name = context_name(project, location, cluster_name)
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": name,
                "cluster": {
                    "server": f"https://{endpoint}",
                    "certificate-authority-data": ca_certificate,
                },
            }
        ],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
        "preferences": {},
        "users": [
            {
                "name": name,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": AUTH_PLUGIN,
                        "args": list(AUTH_PLUGIN_ARGS),
                        "provideClusterInfo": True,
                        "interactiveMode": "Never",
                        "installHint": INSTALL_HINT,
                    }
                },
            }
        ],
    }


def kubeconfig_yaml(project: str, location: str, cluster_name: str, endpoint: str, ca_certificate: str) -> str:
    config = kubeconfig_dict(project, location, cluster_name, endpoint, ca_certificate)
    return safe_dump(config, sort_keys=False, default_flow_style=False)
