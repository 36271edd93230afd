"""A federated tenant's artifacts: its credential file, the plugin's env in every kubeconfig copy, the image."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.cloud import federation as build
from gke_kpo.config.settings import FederatedIdentitySettings
from gke_kpo.contract import outputs as names
from gke_kpo.render import OutputsError, render_files
from gke_kpo.spec.federation import credential_config
from gke_kpo.spec.kubeconfig import CREDENTIALS_ENV

from .conftest import TENANT, load_gpu_xcom_outputs, tenant_of

EXT = "ext-aws"
EMAIL = "airflow-ext-aws@acme-airflow-dev.iam.gserviceaccount.com"
IDENTITY = FederatedIdentitySettings(
    "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
    ("system:serviceaccount:astro:worker",),
    "sts.amazonaws.com",
    "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
    "airflow-ext-aws",
)
CONFIG = credential_config(IDENTITY, "123456789012", "kpo-dev-airflow", EMAIL)


def with_federated_tenant(config: Any = CONFIG, mode: str = "federated") -> dict[str, Any]:
    outputs = load_gpu_xcom_outputs()
    federated = tenant_of(outputs) | {
        names.NAMESPACE: EXT,
        names.AIRFLOW_IDENTITY: EMAIL,
        names.IDENTITY_MODE: mode,
        names.CREDENTIAL_CONFIG: config,
    }
    return outputs | {names.TENANTS: {TENANT: tenant_of(outputs), EXT: federated}}


def plugin_env(kubeconfig: dict[str, Any]) -> list[dict[str, str]]:
    env: list[dict[str, str]] = kubeconfig["users"][0]["user"]["exec"].get("env", [])
    return env


def test_only_the_federated_tenant_gets_a_credential_file_and_the_plugin_env() -> None:
    files = render_files(with_federated_tenant())
    assert json.loads(files[f"{EXT}/{build.CREDENTIALS_FILE_NAME}"]) == CONFIG
    assert f"{TENANT}/{build.CREDENTIALS_FILE_NAME}" not in files
    expected = [{"name": CREDENTIALS_ENV, "value": build.CREDENTIALS_PATH_IN_IMAGE}]
    assert plugin_env(yaml.safe_load(files[f"{EXT}/kubeconfig.yaml"])) == expected
    assert plugin_env(yaml.safe_load(files[f"{TENANT}/kubeconfig.yaml"])) == []


def test_the_connection_carries_the_same_kubeconfig() -> None:
    files = render_files(with_federated_tenant())
    extra = json.loads(files[f"{EXT}/connection.json"])["extra"]
    assert extra["kube_config"] == yaml.safe_load(files[f"{EXT}/kubeconfig.yaml"])
    settings = yaml.safe_load(files[f"{EXT}/airflow_settings.yaml"])
    assert json.loads(settings["airflow"]["connections"][0]["conn_extra"]) == extra
    assert CREDENTIALS_ENV in files[f"{EXT}/connection.env"]


def test_the_image_copies_the_file_where_the_kubeconfig_points() -> None:
    files = render_files(with_federated_tenant(), credentials_path="/opt/airflow/gcp.json")
    assert f"COPY {build.CREDENTIALS_FILE_NAME} /opt/airflow/gcp.json" in files[f"{EXT}/Dockerfile"]
    assert build.CREDENTIALS_FILE_NAME not in files[f"{TENANT}/Dockerfile"]
    assert plugin_env(yaml.safe_load(files[f"{EXT}/kubeconfig.yaml"]))[0]["value"] == "/opt/airflow/gcp.json"


def test_check_covers_the_credential_file(tmp_path: Path) -> None:
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(with_federated_tenant()))
    cli = [sys.executable, "-m", "gke_kpo.render", "--outputs", str(outputs_file), "--out", str(tmp_path / "out")]
    assert subprocess.run(cli, check=False).returncode == 0
    (tmp_path / "out" / EXT / build.CREDENTIALS_FILE_NAME).unlink()
    check = subprocess.run([*cli, "--check"], capture_output=True, text=True, check=False)
    assert check.returncode == 1
    pending = [line for line in check.stdout.splitlines() if not line.startswith("unchanged")]
    assert pending == [f"would write  {tmp_path / 'out' / EXT / build.CREDENTIALS_FILE_NAME}"]


@pytest.mark.parametrize(
    ("config", "named"),
    [
        (None, "credential_config"),
        ({**CONFIG, "type": "service_account"}, "credential_config.type"),
        ({**CONFIG, "credential_source": {"file": "token"}}, "credential_config.credential_source.file"),
        ({**CONFIG, "token_url": ""}, "credential_config.token_url"),
    ],
)
def test_a_bad_credential_configuration_is_named(config: Any, named: str) -> None:
    with pytest.raises(OutputsError, match=f"tenants.{EXT}.{named}"):
        render_files(with_federated_tenant(config))
