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
from gke_kpo.render.manifest import MANIFEST_PATH, digest, rendered_for
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
    return {line[13:].split(" (")[0].removeprefix(f"{root}/"): line[:13].strip() for line in stdout.splitlines()}


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_file_of_the_users_that_differs_refuses_the_whole_render_with_a_diff(tmp_path: Path) -> None:
    project = tmp_path / TENANT  # the tenant's Astro project: make render OUT=<its parent>
    _astro_project(project)
    (project / "dags" / "remote_kpo.py").write_text("# my own DAG of that name\n")
    before = _tree(project)

    result = _make_render(tmp_path)

    assert result.returncode != 0, result.stdout + result.stderr
    assert "nothing was written" in result.stderr and "FORCE=1" in result.stderr and "BESIDE=1" in result.stderr
    status = _status(result.stdout, project)
    assert status["dags/remote_kpo.py"] == "conflict"
    assert status["requirements.txt"] == "conflict"  # our pin would replace theirs: a loss
    assert status["kubeconfig.yaml"] == "would write"
    assert _tree(project) == before
    # The diff shows theirs against this render, per conflicting file.
    assert f"--- {project / 'requirements.txt'} (yours)" in result.stderr
    assert "-apache-airflow-providers-cncf-kubernetes==10.0.0\n+apache-airflow-providers-cncf-kubernetes==10.25.0" in (
        result.stderr
    )
    assert "-# my own DAG of that name" in result.stderr


def test_force_keeps_a_backup_of_what_it_replaces_and_still_merges(tmp_path: Path) -> None:
    project = tmp_path / TENANT
    _astro_project(project)
    (project / "dags" / "remote_kpo.py").write_text("# my own DAG of that name\n")

    result = _make_render(project, "FORCE=1", "CONN_ID=remote_gke", f"TENANT={TENANT}")  # OUT: the project itself

    assert result.returncode == 0, result.stderr
    status = _status(result.stdout, project)
    assert (status["dags/remote_kpo.py"], status["requirements.txt"]) == ("replaced", "replaced")
    assert status["airflow_settings.yaml"] == "merged"
    assert (project / "dags" / "remote_kpo.py.gke-kpo-backup").read_text() == "# my own DAG of that name\n"
    assert (project / "requirements.txt.gke-kpo-backup").read_text() == USER_REQUIREMENTS
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
    (project / "dags" / "remote_kpo.py").write_text("# edited again\n")
    third = _make_render(project, "FORCE=1", "CONN_ID=other", f"TENANT={TENANT}")
    assert third.returncode == 0, third.stderr
    # A second backup never overwrites the first.
    assert (project / "dags" / "remote_kpo.py.gke-kpo-backup").read_text() == "# my own DAG of that name\n"
    assert (project / "dags" / "remote_kpo.py.gke-kpo-backup.2").read_text() == "# edited again\n"


def test_beside_keeps_yours_and_writes_the_new_version_next_to_it(tmp_path: Path) -> None:
    project = tmp_path / TENANT
    project.mkdir()
    (project / "kubeconfig.yaml").write_text("# mine\n")

    result = _make_render(tmp_path, "BESIDE=1")

    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "kubeconfig.yaml " in line)
    assert line.startswith("beside ") and f"new version at {project / 'kubeconfig.yaml.gke-kpo-new'}" in line
    assert (project / "kubeconfig.yaml").read_text() == "# mine\n"
    assert yaml.safe_load((project / "kubeconfig.yaml.gke-kpo-new").read_text())["kind"] == "Config"
    # The new version counts as seen: yours is kept until the stack changes that file again.
    again = _make_render(tmp_path)
    assert again.returncode == 0, again.stderr
    assert _status(again.stdout, project)["kubeconfig.yaml"] == "kept"


def test_the_hand_merge_the_refusal_describes_ends_the_conflict(tmp_path: Path) -> None:
    """Refused, then as the message says: BESIDE=1, merge the new version into yours keeping your lines, delete it."""
    project = tmp_path / TENANT
    project.mkdir()
    (project / "kubeconfig.yaml").write_text("# mine\n")
    refused = _make_render(tmp_path)
    assert refused.returncode != 0 and "merge it into your file and delete" in refused.stderr

    assert _make_render(tmp_path, "BESIDE=1").returncode == 0
    new = project / "kubeconfig.yaml.gke-kpo-new"
    (project / "kubeconfig.yaml").write_text("# mine, merged\n" + new.read_text())
    new.unlink()

    again = _make_render(tmp_path)
    assert again.returncode == 0, again.stderr
    assert _status(again.stdout, project)["kubeconfig.yaml"] == "kept"
    assert (project / "kubeconfig.yaml").read_text().startswith("# mine, merged\n")


def test_files_render_wrote_follow_the_stack_and_edited_ones_are_never_lost(tmp_path: Path) -> None:
    assert _make_render(tmp_path).returncode == 0
    project = tmp_path / TENANT
    manifest = json.loads((project / MANIFEST_PATH).read_text())["files"]
    assert manifest["kubeconfig.yaml"] == digest((project / "kubeconfig.yaml").read_text())

    changed = _make_render(tmp_path, "CONN_ID=remote_gke")  # a change of the render: the DAG and the connection

    assert changed.returncode == 0, changed.stderr
    status = _status(changed.stdout, project)
    assert (status["dags/remote_kpo.py"], status["connection.env"]) == ("updated", "updated")
    assert status["airflow_settings.yaml"] == "merged"
    assert 'CONN_ID = "remote_gke"' in (project / "dags" / "remote_kpo.py").read_text()

    dag = project / "dags" / "remote_kpo.py"
    dag.write_text(dag.read_text() + "# my note\n")
    same = _make_render(tmp_path, "CONN_ID=remote_gke")
    assert same.returncode == 0 and _status(same.stdout, project)["dags/remote_kpo.py"] == "kept"
    other = _make_render(tmp_path, "CONN_ID=third")
    assert "Error 1" in other.stderr and _status(other.stdout, project)["dags/remote_kpo.py"] == "conflict"
    assert dag.read_text().endswith("# my note\n")


def test_lossless_merges_need_no_force(tmp_path: Path) -> None:
    project = tmp_path / TENANT
    project.mkdir()
    (project / "requirements.txt").write_text("pandas==2.2.3\n")
    (project / "airflow_settings.yaml").write_text(yaml.safe_dump(USER_SETTINGS))

    result = _make_render(tmp_path)

    assert result.returncode == 0, result.stderr
    status = _status(result.stdout, project)
    assert (status["requirements.txt"], status["airflow_settings.yaml"], status["dags/remote_kpo.py"]) == (
        "merged",
        "merged",
        "written",
    )
    assert (project / "requirements.txt").read_text().startswith("pandas==2.2.3\napache-airflow-providers")


def test_placement_is_agnostic_of_the_folder_layout(tmp_path: Path) -> None:
    """The same rules per file name in any subfolder, e.g. one folder per tenant."""
    files = render_files(json.loads(GPU_XCOM_OUTPUTS_FILE.read_text()))
    per_tenant = {f"{tenant}/{path}": text for tenant in ("team-a", "team-b") for path, text in files.items()}
    assert all(path.startswith(f"{TENANT}/") for path in files), "render_files already keys by <tenant>/"
    (tmp_path / "team-b").mkdir()
    (tmp_path / "team-b" / "requirements.txt").write_text("numpy==2.1.0\n")

    outcome = place_files(per_tenant, tmp_path, rendered_for(json.loads(GPU_XCOM_OUTPUTS_FILE.read_text()), TENANT))

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


def test_mock_outputs_warn_on_the_terminal_and_stay_out_of_a_real_project_unless_asked(tmp_path: Path) -> None:
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(_mock_outputs()))
    project = tmp_path / "astro"
    project.mkdir()
    (project / "Dockerfile").write_text("FROM astrocrpublic.azurecr.io/runtime:3.3-1\n")
    (project / "airflow_settings.yaml").write_text("# mine\n" + yaml.safe_dump(USER_SETTINGS, sort_keys=False))
    before = _tree(project)

    refused = _make_render(project, f"TENANT={TENANT}", outputs=outputs_file)

    assert refused.returncode != 0 and "WARNING:" in refused.stderr and "MOCK outputs" in refused.stderr
    assert "MOCK=1" in refused.stderr and _tree(project) == before
    allowed = _make_render(project, f"TENANT={TENANT}", "MOCK=1", outputs=outputs_file)
    assert allowed.returncode == 0, allowed.stderr
    assert "WARNING:" in allowed.stderr
    merged = yaml.safe_load((project / "airflow_settings.yaml").read_text())["airflow"]["connections"]
    assert merged[-1]["conn_description"].startswith("MOCK: ")  # the marker travels with the merged entry
    assert (project / "airflow_settings.yaml").read_text().startswith("# mine\n")


def test_a_folder_render_started_takes_mock_outputs_again(tmp_path: Path) -> None:
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(_mock_outputs()))

    assert _make_render(tmp_path / "out", outputs=outputs_file).returncode == 0
    again = _make_render(tmp_path / "out", outputs=outputs_file)

    assert again.returncode == 0, again.stderr
    assert "WARNING:" in again.stderr


def test_real_outputs_print_no_mock_warning(tmp_path: Path) -> None:
    result = _make_render(tmp_path)
    assert result.returncode == 0 and "MOCK" not in result.stderr


@pytest.mark.parametrize("access", ["ip", "dns"])
def test_the_mock_marker_names_the_endpoint_the_files_use(access: str) -> None:
    dns = "gke-0123abcd.us-central1-a.gke.goog"
    outputs = _mock_outputs() | {names.CONTROL_PLANE_ACCESS: access, names.DNS_ENDPOINT: dns}
    files = render_files(outputs)
    kubeconfig = next(text for path, text in files.items() if path.endswith("kubeconfig.yaml"))
    marker = kubeconfig.splitlines()[0]
    used = dns if access == "dns" else MOCK_ENDPOINT
    assert f"endpoint {used} routes nowhere" in marker
    assert (access == "ip") == ("test CA" in marker)
    assert f"https://{used}" in kubeconfig
