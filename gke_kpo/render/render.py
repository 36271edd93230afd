"""All artifacts at once, keyed by their path relative to the output folder."""

from __future__ import annotations

from typing import Any

from gke_kpo.render import artifacts
from gke_kpo.render.long_tasks import DEFAULT_DAG_OPTIONS, DagOptions
from gke_kpo.render.validate import OutputsError, TenantOutputs, check_conn_id, parse_outputs

DEFAULT_CONN_ID = "gke_kpo"


def render_files(
    outputs: dict[str, Any],
    conn_id: str = DEFAULT_CONN_ID,
    tenant: str | None = None,
    dag_options: DagOptions = DEFAULT_DAG_OPTIONS,
) -> dict[str, str]:
    """``{"<tenant>/<relative_path>": text}`` for every artifact of every tenant (or of ``tenant`` only); raises
    ``OutputsError`` on bad outputs or an unknown tenant."""
    tenants = parse_outputs(outputs)
    check_conn_id(conn_id)
    if tenant is not None and tenant not in tenants:
        raise OutputsError(f"no tenant {tenant!r} in the outputs; tenants: {', '.join(tenants)}")
    selected = [tenant] if tenant is not None else list(tenants)
    return {
        f"{name}/{relative}": text
        for name in selected
        for relative, text in tenant_files(tenants[name], conn_id, dag_options).items()
    }


def tenant_files(stack: TenantOutputs, conn_id: str, dag_options: DagOptions = DEFAULT_DAG_OPTIONS) -> dict[str, str]:
    """One tenant's complete artifact set, keyed by its path relative to the tenant's folder."""
    return {
        "kubeconfig.yaml": artifacts.kubeconfig_file(stack),
        "connection.json": artifacts.connection_json(stack),
        "connection.env": artifacts.connection_env(stack, conn_id),
        "airflow_settings.yaml": artifacts.airflow_settings(stack, conn_id),
        "Dockerfile": artifacts.dockerfile(),
        "requirements.txt": artifacts.requirements(),
        "dags/remote_kpo.py": artifacts.dag(stack, conn_id, dag_options),
    }
