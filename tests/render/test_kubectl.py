"""kubectl reads the rendered kubeconfig as a kubeconfig (no plugin run needed for `config view`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.contract import outputs as names
from gke_kpo.render import write_files

from .conftest import one_tenant_files


def test_kubectl_config_view_reads_server_ca_and_exec(tmp_path: Path, any_outputs: dict[str, Any]) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on PATH")
    write_files(one_tenant_files(any_outputs), tmp_path)

    view = subprocess.run(
        [kubectl, "config", "view", "--raw", "-o", "json", "--kubeconfig", str(tmp_path / "kubeconfig.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )

    config = json.loads(view.stdout)
    [cluster], [user] = config["clusters"], config["users"]
    assert cluster["cluster"]["server"] == f"https://{any_outputs[names.ENDPOINT]}"
    assert cluster["cluster"]["certificate-authority-data"] == any_outputs[names.CLUSTER_CA_CERTIFICATE]
    assert user["user"]["exec"]["command"] == "gke-gcloud-auth-plugin"
    assert config["current-context"] == cluster["name"]
