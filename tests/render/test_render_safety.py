"""`make render` into a folder the user already owns: nothing of theirs is lost, every file is reported."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.contract import outputs as names
from gke_kpo.preview.mock_cloud import MOCK_ENDPOINT
from gke_kpo.render import place_files, render_files
from gke_kpo.render.mock_marks import is_mock_endpoint
from gke_kpo.repo import REPO_ROOT

from .conftest import GPU_XCOM_OUTPUTS_FILE, TENANT

# `make` targets may (re)install the shared .venv: only one pytest-xdist worker runs them.
pytestmark = pytest.mark.xdist_group("make-venv")

USER_REQUIREMENTS = "pandas==2.2.3\n# our own\napache-airflow-providers-cncf-kubernetes==10.0.0\n"
USER_SETTINGS = {
    "airflow": {
        "connections": [{"conn_id": "warehouse", "conn_type": "postgres"}],
        "pools": [{"pool_name": "gpu", "pool_slot": 2}],
        "variables": [{"variable_name": "team", "variable_value": "b"}],
    }
}
USER_DOCKERFILE = "FROM my-runtime\nRUN pip install secret-sauce\n"


def _make_render(out: Path, *extra: str, outputs: Path = GPU_XCOM_OUTPUTS_FILE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "render", f"OUTPUTS={outputs}", f"OUT={out}", *extra],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def _astro_project(root: Path) -> dict[str, bytes]:
    (root / "dags").mkdir(parents=True)
    (root / "requirements.txt").write_text(USER_REQUIREMENTS)
    (root / "airflow_settings.yaml").write_text(yaml.safe_dump(USER_SETTINGS, sort_keys=False))
    (root / "Dockerfile").write_text(USER_DOCKERFILE)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _status(stdout: str, root: Path) -> dict[str, str]:
    return {line[12:].split(" (")[0].removeprefix(f"{root}/"): line[:12].strip() for line in stdout.splitlines()}


def test_existing_different_files_refuse_the_whole_render(tmp_path: Path) -> None:
    project = tmp_path / TENANT  # the tenant's Astro project: make render OUT=<its parent>
    before = _astro_project(project)

    result = _make_render(tmp_path)

    assert result.returncode != 0, result.stdout + result.stderr
    assert "nothing was written" in result.stderr and "FORCE=1" in result.stderr
    status = _status(result.stdout, project)
    assert status["Dockerfile"] == "differs"
    assert status["requirements.txt"] == "differs"  # our pin would replace theirs: a loss
    assert status["dags/remote_kpo.py"] == "would write"
    assert {str(p.relative_to(project)): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    # The hint is one a user can follow: an empty folder takes the render, to diff against their own files.
    assert "render into an empty folder" in result.stderr
    fresh = tmp_path / "fresh"
    assert _make_render(fresh).returncode == 0
    assert (fresh / TENANT / "Dockerfile").read_bytes() != before["Dockerfile"]


def test_force_overwrites_but_still_merges_requirements_and_connections(tmp_path: Path) -> None:
    project = tmp_path / TENANT
    _astro_project(project)

    result = _make_render(project, "FORCE=1", "CONN_ID=remote_gke", f"TENANT={TENANT}")  # OUT: the project itself

    assert result.returncode == 0, result.stderr
    status = _status(result.stdout, project)
    assert (status["Dockerfile"], status["airflow_settings.yaml"]) == ("overwritten", "merged")
    requirements = (project / "requirements.txt").read_text().splitlines()
    assert requirements == ["pandas==2.2.3", "# our own", "apache-airflow-providers-cncf-kubernetes==10.25.0"]
    settings = yaml.safe_load((project / "airflow_settings.yaml").read_text())["airflow"]
    assert [c["conn_id"] for c in settings["connections"]] == ["warehouse", "remote_gke"]
    assert (settings["pools"], settings["variables"]) == (
        USER_SETTINGS["airflow"]["pools"],
        USER_SETTINGS["airflow"]["variables"],
    )

    again = _make_render(tmp_path, "CONN_ID=remote_gke")
    assert again.returncode == 0
    assert set(_status(again.stdout, project).values()) == {"unchanged"}


def test_lossless_merges_need_no_force(tmp_path: Path) -> None:
    project = tmp_path / TENANT
    project.mkdir()
    (project / "requirements.txt").write_text("pandas==2.2.3\n")
    (project / "airflow_settings.yaml").write_text(yaml.safe_dump(USER_SETTINGS))

    result = _make_render(tmp_path)

    assert result.returncode == 0, result.stderr
    status = _status(result.stdout, project)
    assert (status["requirements.txt"], status["airflow_settings.yaml"], status["Dockerfile"]) == (
        "merged",
        "merged",
        "written",
    )
    assert (project / "requirements.txt").read_text().startswith("pandas==2.2.3\napache-airflow-providers")


def test_commented_settings_are_not_reshaped_without_force(tmp_path: Path) -> None:
    commented = "# my notes\n" + yaml.safe_dump(USER_SETTINGS)
    (tmp_path / TENANT).mkdir()
    (tmp_path / TENANT / "airflow_settings.yaml").write_text(commented)

    result = _make_render(tmp_path, "CHECK=1")

    assert result.returncode != 0
    assert "comments would be dropped" in result.stdout
    assert (tmp_path / TENANT / "airflow_settings.yaml").read_text() == commented


def test_placement_is_agnostic_of_the_folder_layout(tmp_path: Path) -> None:
    """The same rules per file name in any subfolder, e.g. one folder per tenant."""
    files = render_files(json.loads(GPU_XCOM_OUTPUTS_FILE.read_text()))
    per_tenant = {f"{tenant}/{path}": text for tenant in ("team-a", "team-b") for path, text in files.items()}
    assert all(path.startswith(f"{TENANT}/") for path in files), "render_files already keys by <tenant>/"
    (tmp_path / "team-b").mkdir()
    (tmp_path / "team-b" / "requirements.txt").write_text("numpy==2.1.0\n")

    outcome = place_files(per_tenant, tmp_path)

    assert not outcome.refused
    assert (tmp_path / "team-b" / "requirements.txt").read_text().startswith("numpy==2.1.0\n")
    assert (tmp_path / "team-a" / TENANT / "dags" / "remote_kpo.py").is_file()
    assert len(outcome.lines) == len(per_tenant)


def test_a_bad_conn_id_is_blamed_on_conn_id(tmp_path: Path) -> None:
    result = _make_render(tmp_path / "out", "CONN_ID=gke-kpo")

    assert result.returncode == 2
    assert "CONN_ID" in result.stderr and "'gke-kpo'" in result.stderr
    assert str(GPU_XCOM_OUTPUTS_FILE) not in result.stderr
    assert not (tmp_path / "out").exists()


def _mock_outputs() -> dict[str, Any]:
    outputs: dict[str, Any] = json.loads(GPU_XCOM_OUTPUTS_FILE.read_text())
    return outputs | {names.ENDPOINT: MOCK_ENDPOINT}


def test_the_plan_mock_endpoint_counts_as_mock_and_real_ones_do_not() -> None:
    assert is_mock_endpoint(MOCK_ENDPOINT)
    assert not is_mock_endpoint(json.loads(GPU_XCOM_OUTPUTS_FILE.read_text())[names.ENDPOINT])
    assert not is_mock_endpoint("kpo.example.internal")


def test_mock_renders_are_marked_wherever_they_could_be_pasted(tmp_path: Path) -> None:
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(_mock_outputs()))

    assert _make_render(tmp_path / "out", outputs=outputs_file).returncode == 0

    out = tmp_path / "out" / TENANT
    for commented in ("kubeconfig.yaml", "airflow_settings.yaml", "connection.env", "dags/remote_kpo.py"):
        assert (out / commented).read_text().startswith("# MOCK: "), commented
    assert json.loads((out / "connection.json").read_text())["description"].startswith("MOCK: ")
    # Still what each consumer parses.
    assert yaml.safe_load((out / "kubeconfig.yaml").read_text())["kind"] == "Config"
    ast.parse((out / "dags" / "remote_kpo.py").read_text())
    assert "MOCK" not in (out / "Dockerfile").read_text() + (out / "requirements.txt").read_text()
    real = render_files(json.loads(GPU_XCOM_OUTPUTS_FILE.read_text()))
    assert not any("MOCK" in text for text in real.values())


def test_render_help_has_examples() -> None:
    result = subprocess.run([sys.executable, "-m", "gke_kpo.render", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "examples:" in result.stdout and "FORCE=1" in result.stdout and "CHECK=1" in result.stdout


def test_a_commented_settings_file_that_holds_the_connection_is_left_alone(tmp_path: Path) -> None:
    assert _make_render(tmp_path).returncode == 0
    settings = tmp_path / TENANT / "airflow_settings.yaml"
    commented = "# my notes\n" + settings.read_text()
    settings.write_text(commented)

    result = _make_render(tmp_path)

    assert result.returncode == 0, result.stderr
    assert _status(result.stdout, tmp_path / TENANT)["airflow_settings.yaml"] == "unchanged"
    assert settings.read_text() == commented


def test_an_unknown_tenant_is_blamed_on_tenant(tmp_path: Path) -> None:
    result = _make_render(tmp_path / "out", "TENANT=team-z")

    assert result.returncode == 2
    assert "--tenant (make: TENANT)" in result.stderr and "'team-z'" in result.stderr and TENANT in result.stderr
    assert str(GPU_XCOM_OUTPUTS_FILE) not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_tilde_the_shell_left_alone_means_home(tmp_path: Path) -> None:
    """zsh passes `OUT=~/astro` to make verbatim; the files belong in $HOME/astro, not in a folder named ~."""
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(
        ["make", "--no-print-directory", "render", f"OUTPUTS={GPU_XCOM_OUTPUTS_FILE}", "OUT=~/astro"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "astro" / TENANT / "dags" / "remote_kpo.py").is_file()
    assert not (REPO_ROOT / "~").exists()
