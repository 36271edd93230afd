"""All artifacts at once, keyed by their path relative to the output folder."""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud.federation import CREDENTIALS_FILE_NAME, CREDENTIALS_PATH_IN_IMAGE
from gke_kpo.render import artifacts, ignore_files
from gke_kpo.render.long_tasks import DEFAULT_DAG_OPTIONS, DagOptions
from gke_kpo.render.mock_marks import is_mock_endpoint, mark_files, mock_notice
from gke_kpo.render.validate import TenantOutputs, UnknownTenantError, check_conn_id, parse_outputs
from gke_kpo.spec.kubeconfig import api_server

DEFAULT_CONN_ID = "gke_kpo"


def render_files(
    outputs: dict[str, Any],
    conn_id: str = DEFAULT_CONN_ID,
    tenant: str | None = None,
    dag_options: DagOptions = DEFAULT_DAG_OPTIONS,
    credentials_path: str = CREDENTIALS_PATH_IN_IMAGE,
) -> dict[str, str]:
    """``{"<tenant>/<relative_path>": text}`` for every artifact of every tenant (or of ``tenant`` only); raises
    ``OutputsError`` on bad outputs or an unknown tenant. ``credentials_path``: where a federated tenant's
    gcp-credentials.json is in the Airflow image (the Dockerfile copies it there).

    Outputs of the mock runtime give files marked as mock (see mock_marks).
    """
    check_conn_id(conn_id)
    tenants = parse_outputs(outputs)
    if tenant is not None and tenant not in tenants:
        raise UnknownTenantError(f"no tenant {tenant!r} in the outputs; tenants: {', '.join(tenants)}")
    selected = [tenant] if tenant is not None else list(tenants)
    return {
        f"{name}/{relative}": text
        for name in selected
        for relative, text in tenant_files(tenants[name], conn_id, dag_options, credentials_path).items()
    }


def tenant_files(
    stack: TenantOutputs,
    conn_id: str,
    dag_options: DagOptions = DEFAULT_DAG_OPTIONS,
    credentials_path: str = CREDENTIALS_PATH_IN_IMAGE,
) -> dict[str, str]:
    """One tenant's complete artifact set, keyed by its path relative to the tenant's folder; a federated tenant's
    kubeconfig (also inside the connection) points the auth plugin at its credential file."""
    path = credentials_path if stack.credential_config else None
    mock = is_mock_endpoint(stack.endpoint)
    host, ca = api_server(stack.control_plane_access, stack.endpoint, stack.dns_endpoint, stack.cluster_ca_certificate)
    description = mock_notice(host, ca is not None) if mock else None
    files = {
        "kubeconfig.yaml": artifacts.kubeconfig_file(stack, path),
        "connection.json": artifacts.connection_json(stack, path, description),
        "connection.env": artifacts.connection_env(stack, conn_id, path, description),
        "airflow_settings.yaml": artifacts.airflow_settings(stack, conn_id, path, description),
        "Dockerfile": artifacts.dockerfile(path),
        "requirements.txt": artifacts.requirements(),
        "dags/remote_kpo.py": artifacts.dag(stack, conn_id, dag_options),
        ".dockerignore": ignore_files.dockerignore(),
        ".gitignore": ignore_files.gitignore(),
    }
    if stack.credential_config:
        files[CREDENTIALS_FILE_NAME] = artifacts.gcp_credentials(stack.credential_config)
    return mark_files(files, description) if description else files
