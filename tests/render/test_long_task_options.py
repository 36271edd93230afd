"""The long-task settings the DAG renders (LONG_TASK), their defaults and the render options that flip them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.render import DagOptions, render_files
from gke_kpo.render.long_tasks import GPU_STARTUP_TIMEOUT_SECONDS, KPO_DEFAULT_STARTUP_TIMEOUT_SECONDS

from .conftest import GPU_XCOM_OUTPUTS_FILE


def _long_task(dag_text: str) -> dict[str, Any]:
    """The LONG_TASK literal of a rendered DAG, read without importing Airflow."""
    for node in ast.parse(dag_text).body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets if isinstance(target, ast.Name)] == [
            "LONG_TASK"
        ]:
            value: dict[str, Any] = ast.literal_eval(node.value)
            return value
    raise AssertionError("the rendered DAG has no LONG_TASK")


def _dag(files: dict[str, str]) -> str:
    """The DAG of the outputs' one tenant (every fixture has exactly one)."""
    (dag_text,) = [text for path, text in files.items() if path.endswith("/dags/remote_kpo.py")]
    return dag_text


def test_defaults_cover_a_cold_gpu_pool_defer_reattach_and_delete_every_pod(any_outputs: dict[str, Any]) -> None:
    assert _long_task(_dag(render_files(any_outputs))) == {
        "startup_timeout_seconds": GPU_STARTUP_TIMEOUT_SECONDS,
        "deferrable": True,
        "durable": True,
        "on_finish_action": "delete_pod",
    }
    assert GPU_STARTUP_TIMEOUT_SECONDS == (15 + 15) * 60 > KPO_DEFAULT_STARTUP_TIMEOUT_SECONDS


def test_options_flip_deferral_failed_pods_and_the_timeout(gpu_outputs: dict[str, Any]) -> None:
    options = DagOptions(deferrable=False, keep_failed_pods=True, gpu_startup_timeout_seconds=600)
    dag_text = _dag(render_files(gpu_outputs, dag_options=options))

    assert _long_task(dag_text) == {
        "startup_timeout_seconds": 600,
        "deferrable": False,
        "durable": True,
        "on_finish_action": "delete_succeeded_pod",
    }
    assert "Rendered --no-deferrable" in dag_text and "Rendered --keep-failed-pods" in dag_text


def test_only_the_gpu_task_takes_the_long_task_settings(gpu_outputs: dict[str, Any]) -> None:
    dag_text = _dag(render_files(gpu_outputs))
    assert dag_text.count("        **LONG_TASK,\n") == 1
    assert dag_text.index("        **LONG_TASK,\n") > dag_text.index('task_id="run_on_gpu"')


@pytest.mark.parametrize("bad", [0, -5, True, 1.5])
def test_timeout_must_be_positive_whole_seconds(bad: object) -> None:
    with pytest.raises(ValueError, match="gpu_startup_timeout_seconds"):
        DagOptions(gpu_startup_timeout_seconds=bad)  # type: ignore[arg-type]


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gke_kpo.render", "--outputs", str(GPU_XCOM_OUTPUTS_FILE), "--out", str(tmp_path)]
    return subprocess.run([*command, *args], capture_output=True, text=True, check=False)


def test_cli_flags_reach_the_dag(tmp_path: Path) -> None:
    result = _cli(tmp_path, "--no-deferrable", "--keep-failed-pods", "--gpu-startup-timeout", "900")

    assert result.returncode == 0, result.stderr
    (dag_file,) = tmp_path.glob("*/dags/remote_kpo.py")
    assert _long_task(dag_file.read_text()) == {
        "startup_timeout_seconds": 900,
        "deferrable": False,
        "durable": True,
        "on_finish_action": "delete_succeeded_pod",
    }


def test_cli_refuses_a_bad_timeout_naming_the_flag(tmp_path: Path) -> None:
    result = _cli(tmp_path, "--gpu-startup-timeout", "0")

    assert result.returncode == 2
    assert "--gpu-startup-timeout" in result.stderr and "positive whole number" in result.stderr
    assert not (tmp_path / "dags").exists()
