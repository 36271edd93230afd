"""Stack outputs for the renderer tests: one with GPU and XCom, one without, differently named."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.cloud.permissions import rbac_rules
from gke_kpo.config.parse import parse_settings
from gke_kpo.contract import outputs as names
from gke_kpo.render import render_files
from gke_kpo.spec.gpu_pools import pool_summary
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


POOLS_CONFIG = {
    "l4-spot": {"accelerator": "nvidia-l4", "machine_type": "g2-standard-8", "capacity": "spot", "fallback": "l4"},
    "l4": {"accelerator": "nvidia-l4", "machine_type": "g2-standard-8"},
    "t4-shared": {"accelerator": "nvidia-tesla-t4", "machine_type": "n1-standard-4",
                  "sharing": {"strategy": "time-sharing", "clients_per_gpu": 4}},
}  # fmt: skip


def pools_outputs_from(base: dict[str, Any]) -> dict[str, Any]:
    """The `gpu_pools` outputs the stack exports for POOLS_CONFIG; the tenant may use two of the three."""
    settings = parse_settings(
        {
            "project": "p-1234",
            "control_plane_access": "dns",
            "gpu_pools": json.dumps(POOLS_CONFIG),
            "tenants": json.dumps({TENANT: {"airflow_service_account": "astro-a@p-1234.iam.gserviceaccount.com"}}),
        },
        "test",
    )
    pools = {pool.name: pool_summary(pool, settings.gpu_pools) for pool in settings.gpu_pools}
    tenant = {**tenant_of(base), names.TENANT_GPU_POOLS: ["l4-spot", "t4-shared"], names.GPU_QUOTA: 2}
    return base | {names.GPU_POOLS: pools, names.TENANTS: {TENANT: tenant}}


def outputs_case(name: str) -> dict[str, Any]:
    base = load_gpu_xcom_outputs()
    return {"gpu_xcom": base, "plain": plain_outputs_from(base), "pools": pools_outputs_from(base)}[name]


def gpu_tasks_expected(outputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """task id -> the pool entry it must target: the tenant's pools, or the legacy `gpu` output's one pool."""
    tenant = tenant_of(outputs)
    if not tenant.get(names.GPU_QUOTA):
        return {}
    if names.GPU_POOLS not in outputs:
        gpu = outputs[names.GPU]
        legacy = {
            names.TASK_GPUS: gpu["count"],
            names.TOLERATIONS: [gpu["taint"]],
            names.NODE_SELECTOR: gpu["node_selector"],
        }
        return {"run_on_gpu": legacy}
    pools = outputs[names.GPU_POOLS]
    return {f"run_on_gpu_{name.replace('-', '_')}": pools[name] for name in tenant[names.TENANT_GPU_POOLS]}


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """Nobody may write ``path`` meanwhile: its mode for a user; for root, whom modes do not stop, the immutable flag
    (``chattr +i``; the test is skipped where that is not allowed)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if not chattr or subprocess.run([chattr, "+i", str(path)], capture_output=True, check=False).returncode:
        pytest.skip("this machine does not let root make a path immutable (chattr +i)")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


OUTPUT_CASES = ["gpu_xcom", "plain", "pools"]


@pytest.fixture(params=OUTPUT_CASES)
def any_outputs(request: pytest.FixtureRequest) -> dict[str, Any]:
    return outputs_case(request.param)
