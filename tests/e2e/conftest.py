"""Fixtures for the end-to-end run: fake GKE (metadata server + TLS API), real plugin, real Airflow."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .airflow_run import AirflowHome, airflow_executable
from .fake_metadata import MetadataState, serve_metadata
from .tls import ServerTls, make_server_tls

SERVICE_ACCOUNT = "astro-kpo@e2e-project.iam.gserviceaccount.com"
ACCESS_TOKEN = "ya29.e2e-workload-identity-token"


@pytest.fixture(scope="module")
def auth_plugin() -> str:
    plugin = shutil.which("gke-gcloud-auth-plugin")
    if plugin is None:
        pytest.skip("gke-gcloud-auth-plugin is not on PATH: the end-to-end run needs the real plugin")
    return plugin


@pytest.fixture(scope="module")
def metadata_server() -> Iterator[tuple[MetadataState, str]]:
    state = MetadataState(access_token=ACCESS_TOKEN, service_account=SERVICE_ACCOUNT)
    with serve_metadata(state) as host:
        yield state, host


@pytest.fixture(scope="module")
def server_tls(tmp_path_factory: pytest.TempPathFactory) -> ServerTls:
    return make_server_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def migrated_airflow_home(tmp_path_factory: pytest.TempPathFactory) -> AirflowHome:
    """One ``airflow db migrate`` per test session; each run starts from a copy of its database.

    Under pytest-xdist every worker is a process of its own: the first to get here migrates into the
    session's shared temporary root, under a file lock, and the others wait for it and copy that database.
    """
    if airflow_executable() is None:
        pytest.skip("the airflow CLI is not installed next to this Python interpreter")
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return _migrate(tmp_path_factory.mktemp("airflow-template"))
    shared = tmp_path_factory.getbasetemp().parent / "airflow-template"
    shared.mkdir(exist_ok=True)
    with (shared / "migrate.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "migrated"
        if done.exists():
            return AirflowHome(shared, dags_folder=shared / "dags", metadata_host="127.0.0.1:9")
        home = _migrate(shared)
        done.touch()
        return home


def _migrate(root: Path) -> AirflowHome:
    home = AirflowHome(root, dags_folder=root / "dags", metadata_host="127.0.0.1:9")
    started = time.monotonic()
    result = home.run("db", "migrate")
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"airflow db migrate took {time.monotonic() - started:.1f}s")
    return home
