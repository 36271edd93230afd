"""End to end: the rendered GPU task survives the shared pool, through its retries, and fails without them.

Real KPO (`airflow dags test`) against the loopback API: (1) the tenant's GPU quota is held by another pod, so the
API refuses the GPU pod with Kubernetes' own ResourceQuota 403 until that pod is gone; (2) the first GPU pod loses its
Spot node mid-run (graceful node shutdown: Failed, reason Terminated). The retry delay is rendered short
(``gpu_retry_delay_seconds``); everything else is as rendered.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.contract import outputs as names
from gke_kpo.render import DagOptions, write_files
from gke_kpo.spec.tenant import QUOTA_NAME

from .airflow_run import AirflowHome, connection_env_var
from .cold_gpu import ColdGpuWorkload
from .conftest import SERVICE_ACCOUNT
from .fake_kube_api import ClusterState, serve_kube_api
from .fake_metadata import MetadataState, serve_metadata
from .shared_pool import SHUTDOWN_REASON, SharedPool
from .stack import GPU_POOL, NAMESPACE, TENANT, loopback_outputs, tenant_files
from .tls import ServerTls

DAG_ID = "remote_kpo"
WORKLOAD = ColdGpuWorkload(pending_seconds=0.5, run_seconds=2)


@pytest.fixture
def run_shared_pool(
    tmp_path: Path, auth_plugin: str, server_tls: ServerTls, migrated_airflow_home: AirflowHome
) -> Iterator[Any]:
    def run(pool: SharedPool, retries: int) -> tuple[dict[str, str], ClusterState, str]:
        rules = loopback_outputs("127.0.0.1:0", server_tls.ca_base64, SERVICE_ACCOUNT)[names.TENANTS][TENANT]
        cluster = ClusterState("ya29.e2e", NAMESPACE, rules[names.RBAC_RULES], shared_pool=pool)
        metadata = MetadataState(access_token="ya29.e2e", service_account=SERVICE_ACCOUNT)
        with serve_metadata(metadata) as metadata_host, serve_kube_api(cluster, server_tls) as endpoint:
            outputs = loopback_outputs(endpoint, server_tls.ca_base64, SERVICE_ACCOUNT, gpu=GPU_POOL)
            options = DagOptions(deferrable=False, gpu_retries=retries, gpu_retry_delay_seconds=1)
            files = tenant_files(outputs, dag_options=options)
            write_files(files, tmp_path / "rendered")
            home = migrated_airflow_home.clone(tmp_path / "home", tmp_path / "rendered" / "dags", metadata_host)
            name, value = connection_env_var(files["connection.env"])
            result = home.run("dags", "test", DAG_ID, extra_env={name: value})
        return home.task_states(DAG_ID), cluster, result.stdout + result.stderr

    yield run


def _gpu_pods(cluster: ClusterState) -> list[dict[str, Any]]:
    return [pod for pod in cluster.pods.created if "nvidia.com/gpu" in str(pod["spec"]["containers"][0])]


@pytest.mark.parametrize("retries", [3, 0], ids=["rendered-retries", "no-retries"])
def test_a_gpu_pod_refused_by_the_tenant_quota_runs_on_a_later_try(run_shared_pool: Any, retries: int) -> None:
    pool = SharedPool(WORKLOAD, quota_held_seconds=2.0)

    states, cluster, output = run_shared_pool(pool, retries)

    assert pool.refusals >= 1
    assert f"exceeded quota: {QUOTA_NAME}" in output, output[-4000:]
    if retries:
        assert states["run_on_gpu"] == "success", output[-6000:]
        assert len(_gpu_pods(cluster)) == 1  # refused pods are never created
    else:
        assert states["run_on_gpu"] == "failed", output[-6000:]
        assert _gpu_pods(cluster) == []


@pytest.mark.parametrize("retries", [3, 0], ids=["rendered-retries", "no-retries"])
def test_a_gpu_pod_preempted_mid_run_is_retried_on_a_fresh_pod(run_shared_pool: Any, retries: int) -> None:
    pool = SharedPool(WORKLOAD, preempted_pods=1)

    states, cluster, output = run_shared_pool(pool, retries)

    gpu_pods = _gpu_pods(cluster)
    assert SHUTDOWN_REASON in output or "Failed" in output, output[-4000:]
    if retries:
        assert states["run_on_gpu"] == "success", output[-6000:]
        assert len(gpu_pods) == 2 and gpu_pods[0]["metadata"]["name"] != gpu_pods[1]["metadata"]["name"]
        assert all(line in output for line in WORKLOAD.expected_lines())
    else:
        assert states["run_on_gpu"] == "failed", output[-6000:]
        assert len(gpu_pods) == 1
