"""`make plan` and `make render` run on the lean install: they never import what only `make test` installs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gke_kpo.repo import REPO_ROOT
from tests.render.conftest import GPU_XCOM_OUTPUTS_FILE

TEST_ONLY_IMPORTS = ("airflow", "pytest", "mypy", "ruff", "dockerfile_parse", "kubernetes", "sqlalchemy", "fastapi")
"""Top-level modules of requirements-dev.txt's packages (and Airflow's own dependencies) absent from the lean path."""

_GUARDED_RUN = """
import runpy, sys
blocked = set(sys.argv[1].split(","))
class TestOnly:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"{name} is not installed on the lean path (requirements-plan.txt)")
sys.meta_path.insert(0, TestOnly())
module, sys.argv = sys.argv[2], [sys.argv[2], *sys.argv[3:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def _lean_run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", _GUARDED_RUN, ",".join(TEST_ONLY_IMPORTS), module, *args]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)


def test_the_guard_bites() -> None:
    result = _lean_run("airflow")
    assert result.returncode != 0 and "lean path" in result.stderr


def test_plan_needs_only_the_lean_path(tmp_path: Path) -> None:
    result = _lean_run("gke_kpo.plan", "--stack", "dev", "--build-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]


def test_render_needs_only_the_lean_path(tmp_path: Path) -> None:
    result = _lean_run("gke_kpo.render", "--outputs", str(GPU_XCOM_OUTPUTS_FILE), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("requirement", ["apache-airflow", "pytest", "mypy", "ruff"])
def test_the_lean_requirements_leave_the_test_tooling_out(requirement: str) -> None:
    lean = (REPO_ROOT / "requirements-plan.txt").read_text() + (REPO_ROOT / "requirements.txt").read_text()
    assert f"{requirement}==" not in lean
    assert f"{requirement}==" in (REPO_ROOT / "requirements-dev.txt").read_text()
