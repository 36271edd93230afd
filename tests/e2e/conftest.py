"""Fixtures for the end-to-end run: fake GKE (metadata server + TLS API), real plugin, real Airflow."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

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


@pytest.fixture(scope="module")
def migrated_airflow_home(tmp_path_factory: pytest.TempPathFactory) -> AirflowHome:
    """One ``airflow db migrate`` per module; each run starts from a copy of its database."""
    if airflow_executable() is None:
        pytest.skip("the airflow CLI is not installed next to this Python interpreter")
    root = tmp_path_factory.mktemp("airflow-template")
    home = AirflowHome(root, dags_folder=root / "dags", metadata_host="127.0.0.1:9")
    started = time.monotonic()
    result = home.run("db", "migrate")
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"airflow db migrate took {time.monotonic() - started:.1f}s")
    return home
