"""All artifacts at once, keyed by their path relative to the output folder."""

from __future__ import annotations

from typing import Any

from gke_kpo.render import artifacts
from gke_kpo.render.mock_marks import MOCK_NOTICE, is_mock_endpoint, mark_files
from gke_kpo.render.validate import check_conn_id, parse_outputs

DEFAULT_CONN_ID = "gke_kpo"


def render_files(outputs: dict[str, Any], conn_id: str = DEFAULT_CONN_ID) -> dict[str, str]:
    """``{relative_path: text}`` for every artifact; raises ``OutputsError`` on bad outputs.

    Outputs of the mock runtime give files marked as mock (see mock_marks).
    """
    check_conn_id(conn_id)
    stack = parse_outputs(outputs)
    mock = is_mock_endpoint(stack.endpoint)
    description = MOCK_NOTICE.format(endpoint=stack.endpoint) if mock else None
    files = {
        "kubeconfig.yaml": artifacts.kubeconfig_file(stack),
        "connection.json": artifacts.connection_json(stack, description),
        "connection.env": artifacts.connection_env(stack, conn_id, description),
        "airflow_settings.yaml": artifacts.airflow_settings(stack, conn_id),
        "Dockerfile": artifacts.dockerfile(),
        "requirements.txt": artifacts.requirements(),
        "dags/remote_kpo.py": artifacts.dag(stack, conn_id),
    }
    return mark_files(files, stack.endpoint) if mock else files
