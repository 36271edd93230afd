"""Render the Airflow artifacts (kubeconfig, connection, Dockerfile, DAG) from the stack outputs."""

from __future__ import annotations

from gke_kpo.render.files import write_files
from gke_kpo.render.long_tasks import DagOptions
from gke_kpo.render.place import Resolution, place_files, place_projects
from gke_kpo.render.render import DEFAULT_CONN_ID, render_files
from gke_kpo.render.validate import OutputsError

__all__ = [
    "DEFAULT_CONN_ID",
    "DagOptions",
    "OutputsError",
    "Resolution",
    "place_files",
    "place_projects",
    "render_files",
    "write_files",
]
