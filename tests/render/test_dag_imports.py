"""The rendered DAG imports in Airflow's DagBag with no errors and no deprecation warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.contract import outputs as names
from gke_kpo.render import write_files
from gke_kpo.render.artifacts import SEED_IMAGE
from gke_kpo.render.long_tasks import (
    GPU_MAX_RETRY_DELAY_SECONDS,
    GPU_RETRIES,
    GPU_RETRY_DELAY_SECONDS,
    GPU_STARTUP_TIMEOUT_SECONDS,
)
from gke_kpo.render.pins import GPU_TASK_IMAGE

from .conftest import OUTPUT_CASES, gpu_tasks_expected, one_tenant_files, outputs_case, tenant_of

# One Airflow DagBag start per case (a module fixture): the module's tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("render-dagbag")

PROBE = Path(__file__).with_name("dagbag_probe.py")


def _load_dagbag(dags_folder: Path, airflow_home: Path) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    env |= {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
    }
    result = subprocess.run(
        [sys.executable, str(PROBE), str(dags_folder)], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


@pytest.fixture(scope="module", params=OUTPUT_CASES)
def case(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rendered outputs and their DagBag report; one Airflow start per case (each takes seconds)."""
    pytest.importorskip("airflow.providers.cncf.kubernetes", reason="Airflow's Kubernetes provider is not installed")
    outputs = outputs_case(request.param)
    root = tmp_path_factory.mktemp(f"dagbag-{request.param}")
    write_files(one_tenant_files(outputs, conn_id="remote_gke"), root / "out")
    return outputs, _load_dagbag(root / "out" / "dags", root / "home")


@pytest.fixture
def dagbag(case: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return case[1]


@pytest.fixture
def any_outputs(case: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return case[0]


def test_dag_imports_cleanly(dagbag: dict[str, Any]) -> None:
    assert dagbag["import_errors"] == {}
    assert dagbag["captured_warnings"] == {}
    assert list(dagbag["dags"]) == ["remote_kpo"]


def test_every_task_targets_the_stack_namespace_through_the_connection(
    dagbag: dict[str, Any], any_outputs: dict[str, Any]
) -> None:
    tasks = dagbag["dags"]["remote_kpo"]
    expected_ids = {"run_on_gke", *gpu_tasks_expected(any_outputs)}
    expected_ids |= {"push_xcom"} if tenant_of(any_outputs)[names.XCOM_PUSH] else set()

    assert set(tasks) == expected_ids
    for task in tasks.values():
        assert (task["conn_id"], task["namespace"]) == ("remote_gke", tenant_of(any_outputs)[names.NAMESPACE])
        assert (task["in_cluster"], task["get_logs"]) == (False, True)
    for task_id, task in tasks.items():
        assert task["image"] == (GPU_TASK_IMAGE if task_id.startswith("run_on_gpu") else SEED_IMAGE)
    assert [task_id for task_id, task in tasks.items() if task["do_xcom_push"]] == (
        ["push_xcom"] if tenant_of(any_outputs)[names.XCOM_PUSH] else []
    )


def test_gpu_task_requests_tolerates_and_selects_the_pool(dagbag: dict[str, Any], any_outputs: dict[str, Any]) -> None:
    """One GPU task per pool the tenant may use, each with that pool's request, tolerations and node selector."""
    tasks = dagbag["dags"]["remote_kpo"]
    expected = gpu_tasks_expected(any_outputs)
    assert {task_id for task_id in tasks if task_id.startswith("run_on_gpu")} == set(expected)
    for task_id, pool in expected.items():
        task = tasks[task_id]
        assert task["gpu_limit"] == str(pool[names.TASK_GPUS])
        assert [{key: t[key] for key in ("key", "value", "effect")} for t in task["tolerations"]] == pool[
            names.TOLERATIONS
        ]
        assert {t["operator"] for t in task["tolerations"]} == {"Equal"}
        assert task["node_selector"] == pool[names.NODE_SELECTOR]
        assert (task["retries"], task["retry_exponential_backoff"]) == (GPU_RETRIES, True)
        assert (task["retry_delay_seconds"], task["max_retry_delay_seconds"]) == (
            GPU_RETRY_DELAY_SECONDS,
            GPU_MAX_RETRY_DELAY_SECONDS,
        )


def test_gpu_task_waits_for_a_cold_pool_defers_reattaches_and_cleans_up(
    dagbag: dict[str, Any], any_outputs: dict[str, Any]
) -> None:
    """What Airflow itself makes of LONG_TASK: KPO waits as long to schedule as to start (one value)."""
    if not gpu_tasks_expected(any_outputs):
        pytest.skip("no GPU pool in this case, so no GPU task (checked by the test above)")
    task = dagbag["dags"]["remote_kpo"][next(iter(gpu_tasks_expected(any_outputs)))]

    assert task["startup_timeout_seconds"] == task["schedule_timeout_seconds"] == GPU_STARTUP_TIMEOUT_SECONDS
    assert (task["deferrable"], task["reattach_on_restart"], task["on_finish_action"]) == (True, True, "delete_pod")
