"""The rendered kubeconfig and connection, read by their real consumers with the real plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config

from gke_kpo.render import write_files

from .airflow_run import AirflowHome, connection_env_var
from .conftest import ACCESS_TOKEN, SERVICE_ACCOUNT
from .fake_metadata import MetadataState
from .stack import NAMESPACE, loopback_outputs, tenant_files
from .tls import ServerTls

ENDPOINT = "127.0.0.1:6443"  # nothing is contacted: only the client configuration is checked
HOOK_PROBE = Path(__file__).with_name("hook_probe.py")


@pytest.fixture
def files(server_tls: ServerTls) -> dict[str, str]:
    return tenant_files(loopback_outputs(ENDPOINT, server_tls.ca_base64, SERVICE_ACCOUNT), conn_id="gke_e2e")


def test_kubernetes_client_loads_kubeconfig_and_gets_a_token_from_the_plugin(
    tmp_path: Path,
    files: dict[str, str],
    server_tls: ServerTls,
    auth_plugin: str,
    metadata_server: tuple[MetadataState, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = AirflowHome(tmp_path, tmp_path, metadata_server[1])
    for name, value in home.environment({}).items():
        monkeypatch.setenv(name, value)
    write_files(files, tmp_path)
    configuration = client.Configuration()

    config.load_kube_config(config_file=str(tmp_path / "kubeconfig.yaml"), client_configuration=configuration)

    assert configuration.host == f"https://{ENDPOINT}"
    assert Path(configuration.ssl_ca_cert).read_bytes() == server_tls.ca_pem
    assert configuration.auth_settings()["BearerToken"]["value"] == f"Bearer {ACCESS_TOKEN}"


def test_connection_env_var_gives_a_hook_with_host_ca_namespace_and_token(
    tmp_path: Path,
    files: dict[str, str],
    server_tls: ServerTls,
    auth_plugin: str,
    metadata_server: tuple[MetadataState, str],
    migrated_airflow_home: AirflowHome,
) -> None:
    home = AirflowHome(tmp_path, tmp_path, metadata_server[1])
    name, value = connection_env_var(files["connection.env"])
    assert name == "AIRFLOW_CONN_GKE_E2E"

    result = subprocess.run(
        [sys.executable, str(HOOK_PROBE), "gke_e2e"],
        env=home.environment(
            {name: value, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{migrated_airflow_home.database}"}
        ),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    assert report == {
        "host": f"https://{ENDPOINT}",
        "ca_pem": server_tls.ca_pem.decode(),
        "authorization": f"Bearer {ACCESS_TOKEN}",
        "namespace": NAMESPACE,
        "in_cluster": False,
    }
