"""The exec-plugin kubeconfig shared by the stack's Kubernetes provider, its output and the renderer."""

from __future__ import annotations

from typing import Any, Final

from gke_kpo.cloud.control_plane import ControlPlaneAccess
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


CREDENTIALS_ENV: Final = "GOOGLE_APPLICATION_CREDENTIALS"


def exec_env(credentials_path: str | None) -> list[dict[str, str]]:
    """Federated identities: ADC in the plugin reads this credential file. Set on the exec entry only, so
    other Google clients in the worker keep their own credentials."""
    return [{"name": CREDENTIALS_ENV, "value": credentials_path}] if credentials_path else []


def api_server(
    access: ControlPlaneAccess, ip_endpoint: str, dns_endpoint: str, ca_certificate: str
) -> tuple[str, str | None]:
    """The host every consumer uses and the CA to pin: the DNS endpoint with none (its certificate is publicly
    trusted, gke_kpo.cloud.control_plane), or the IP endpoint with the cluster's CA."""
    return (dns_endpoint, None) if access.dns else (ip_endpoint, ca_certificate)


def kubeconfig_dict(
    project: str,
    location: str,
    cluster_name: str,
    endpoint: str,
    ca_certificate: str | None,
    credentials_path: str | None = None,
) -> dict[str, Any]:
    """``ca_certificate`` None: verify the server against the system's CA bundle (the DNS endpoint)."""
    name = context_name(project, location, cluster_name)
    env = exec_env(credentials_path)
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": name,
                "cluster": {
                    "server": f"https://{endpoint}",
                    **({"certificate-authority-data": ca_certificate} if ca_certificate is not None else {}),
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
                        **({"env": env} if env else {}),
                    }
                },
            }
        ],
    }


def kubeconfig_yaml(
    project: str,
    location: str,
    cluster_name: str,
    endpoint: str,
    ca_certificate: str | None,
    credentials_path: str | None = None,
) -> str:
    config = kubeconfig_dict(project, location, cluster_name, endpoint, ca_certificate, credentials_path)
    return safe_dump(config, sort_keys=False, default_flow_style=False)
