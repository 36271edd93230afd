"""Stack outputs for the renderer tests: one with GPU and XCom, one without, differently named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.cloud.permissions import rbac_rules
from gke_kpo.contract import outputs as names
from gke_kpo.render import render_files
from gke_kpo.spec.kubeconfig import kubeconfig_yaml

DATA = Path(__file__).parent / "data"
GPU_XCOM_OUTPUTS_FILE = DATA / "outputs_gpu_xcom.json"
TENANT = "team-a"
"""The one tenant of the outputs files here."""


def tenant_of(outputs: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = outputs[names.TENANTS][TENANT]
    return entry


def one_tenant_files(outputs: dict[str, Any], **options: Any) -> dict[str, str]:
    """The files of TENANT, keyed by their path inside the tenant's folder."""
    prefix = f"{TENANT}/"
    return {path.removeprefix(prefix): text for path, text in render_files(outputs, **options).items()}


def load_gpu_xcom_outputs() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(GPU_XCOM_OUTPUTS_FILE.read_text())
    return loaded


def plain_outputs_from(base: dict[str, Any]) -> dict[str, Any]:
    """Another project, a zone, another namespace, no GPU pool, XCom off."""  # fmt: skip
    project, location, cluster, endpoint = "other-proj-42", "us-east1-b", "batch", "10.20.30.40"
    ca = base[names.CLUSTER_CA_CERTIFICATE]
    return base | {
        names.PROJECT: project,
        names.LOCATION: location,
        names.CLUSTER_NAME: cluster,
        names.ENDPOINT: endpoint,
        names.TENANTS: {
            TENANT: tenant_of(base)
            | {
                names.NAMESPACE: "team-b-jobs",
                names.XCOM_PUSH: False,
                names.RBAC_RULES: rbac_rules(False),
                names.GPU_QUOTA: 0,
            }
        },
        names.GPU: None,
        names.KUBECONFIG: kubeconfig_yaml(project, location, cluster, endpoint, ca),
    }


@pytest.fixture
def gpu_outputs() -> dict[str, Any]:
    return load_gpu_xcom_outputs()


@pytest.fixture
def plain_outputs() -> dict[str, Any]:
    return plain_outputs_from(load_gpu_xcom_outputs())


def outputs_case(name: str) -> dict[str, Any]:
    base = load_gpu_xcom_outputs()
    return base if name == "gpu_xcom" else plain_outputs_from(base)


OUTPUT_CASES = ["gpu_xcom", "plain"]


@pytest.fixture(params=OUTPUT_CASES)
def any_outputs(request: pytest.FixtureRequest) -> dict[str, Any]:
    return outputs_case(request.param)
