"""All artifacts at once, keyed by their path relative to the output folder."""

from __future__ import annotations

from typing import Any

from gke_kpo.render import artifacts
from gke_kpo.render.long_tasks import DEFAULT_DAG_OPTIONS, DagOptions
from gke_kpo.render.validate import check_conn_id, parse_outputs

DEFAULT_CONN_ID = "gke_kpo"


def render_files(
    outputs: dict[str, Any], conn_id: str = DEFAULT_CONN_ID, dag_options: DagOptions = DEFAULT_DAG_OPTIONS
) -> dict[str, str]:
    """``{relative_path: text}`` for every artifact; raises ``OutputsError`` on bad outputs."""
    stack = parse_outputs(outputs)
    check_conn_id(conn_id)
    return {
        "kubeconfig.yaml": artifacts.kubeconfig_file(stack),
        "connection.json": artifacts.connection_json(stack),
        "connection.env": artifacts.connection_env(stack, conn_id),
        "airflow_settings.yaml": artifacts.airflow_settings(stack, conn_id),
        "Dockerfile": artifacts.dockerfile(),
        "requirements.txt": artifacts.requirements(),
        "dags/remote_kpo.py": artifacts.dag(stack, conn_id, dag_options),
    }
