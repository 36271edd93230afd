"""The proof of issue 18: render into a realistic Astro project, change the stack, render, edit a generated file,
render again; at every step every line of the user's is byte for byte there, render's files are current, the user's
edit survives, and the rendered DAG runs with the real KubernetesPodOperator against the loopback GKE API."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.contract import outputs as names
from gke_kpo.render.__main__ import main
from gke_kpo.render.blocks import BEGIN, END
from gke_kpo.render.dockerfile import OLDEST_RUNTIME_IMAGE
from gke_kpo.render.manifest import MANIFEST_PATH

from .airflow_run import AirflowHome, connection_env_var
from .conftest import SERVICE_ACCOUNT
from .fake_kube_api import ClusterState, serve_kube_api
from .fake_metadata import MetadataState
from .stack import NAMESPACE, TENANT, loopback_outputs, tenant_files
from .tls import ServerTls

ASTRO_DEV_INIT_SETTINGS = Path(__file__).parents[1] / "render" / "data" / "astro_dev_init_airflow_settings.yaml"
USER_DAG = '''\
"""The team's own DAG."""

from airflow.sdk import dag, task
from pendulum import datetime


@dag(dag_id="team_report", start_date=datetime(2024, 1, 1), schedule=None, catchup=False)
def team_report() -> None:
    @task
    def report() -> str:
        return "ok"

    report()


team_report()
'''
USER_FILES = {
    # Astro Runtime 3.3-1: the oldest runtime the rendered DAG supports (render refuses older ones, tested apart).
    "Dockerfile": f"FROM {OLDEST_RUNTIME_IMAGE}\nENV TEAM_BUCKET=gs://team-a-data\n",
    "requirements.txt": "# our pins\npandas==2.2.3\nrequests>=2.32\n",
    "airflow_settings.yaml": ASTRO_DEV_INIT_SETTINGS.read_text(),
    "dags/team_report.py": USER_DAG,
    ".astro/config.yaml": "project:\n    name: team-a\n",
    # What `astro dev init` writes (astronomer/astro-cli pkg/airflowrt/include/{dockerignore,gitignore} at ed93cc59).
    ".dockerignore": "astro\n.git\n.env\nairflow_settings.yaml\nlogs/\n.venv\nairflow.db\nairflow.cfg\n",
    ".gitignore": ".git\n.env\n.DS_Store\nairflow_settings.yaml\n__pycache__/\nastro\n.venv\n",
    "packages.txt": "",
}
OWNED_WHOLE = ["kubeconfig.yaml", "connection.json", "connection.env", "dags/remote_kpo.py"]
SECOND_NAMESPACE = "kpo-tasks-v2"
USER_EDIT = "# team-a: reviewed, keep the seed task\n"


def _removed(before: str, after: str) -> list[str]:
    """Lines of ``before`` that ``after`` no longer has (render only ever adds or updates its own lines)."""
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("- ")]


def _outside_block(text: str) -> list[str]:
    lines = text.splitlines()
    return lines[: lines.index(BEGIN)] + lines[lines.index(END) + 1 :] if BEGIN in lines else lines


def _assert_user_lines_kept(project: Path) -> None:
    for relative, text in USER_FILES.items():
        now = (project / relative).read_text()
        if relative in ("Dockerfile", ".dockerignore", ".gitignore"):
            assert _outside_block(now) == text.splitlines(), relative
            if relative == "Dockerfile":  # the plugin lands in the final stage: the block follows the FROM
                assert now.splitlines().index(BEGIN) == 1, now
        elif relative == "requirements.txt":
            assert now.startswith(text), relative  # render's pin appended, every user line first and verbatim
        elif relative == "airflow_settings.yaml":
            assert _removed(text, now) == [], relative  # comments, placeholders and layout all kept
        else:
            assert now == text, relative


def _assert_current(project: Path, outputs: dict[str, Any], *, edited: frozenset[str] = frozenset()) -> None:
    rendered = tenant_files(outputs)
    for relative in OWNED_WHOLE:
        if relative not in edited:
            assert (project / relative).read_text() == rendered[relative], relative
    settings = (project / "airflow_settings.yaml").read_text()
    entry = json.dumps(json.loads(rendered["connection.json"])["extra"], sort_keys=True, separators=(",", ":"))
    assert f"conn_extra: '{entry}'" in settings
    assert "apache-airflow-providers-cncf-kubernetes==10.25.0" in (project / "requirements.txt").read_text()


def _render(project: Path, outputs: dict[str, Any], tmp_path: Path) -> int:
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(outputs))
    return main(["--outputs", str(outputs_file), "--out", str(project), "--tenant", TENANT])


def _status(stdout: str, project: Path) -> dict[str, str]:
    return {line[13:].split(" (")[0].removeprefix(f"{project}/"): line[:13].strip() for line in stdout.splitlines()}


def test_render_into_an_astro_project_across_stack_changes_and_edits_then_run_the_dag(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    auth_plugin: str,
    metadata_server: tuple[MetadataState, str],
    server_tls: ServerTls,
    migrated_airflow_home: AirflowHome,
) -> None:
    project = tmp_path / "team-a-astro"
    for relative, text in USER_FILES.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_text(text)
    metadata, metadata_host = metadata_server

    # 1. First render (the cluster not up yet: an endpoint nothing listens on).
    first = loopback_outputs("127.0.0.1:9", server_tls.ca_base64, SERVICE_ACCOUNT)
    assert _render(project, first, tmp_path) == 0, capsys.readouterr().err
    _assert_user_lines_kept(project)
    _assert_current(project, first)
    assert (project / MANIFEST_PATH).is_file()
    capsys.readouterr()

    rules = first[names.TENANTS][TENANT][names.RBAC_RULES]
    cluster = ClusterState(token=metadata.access_token, namespace=SECOND_NAMESPACE, rules=rules)
    with serve_kube_api(cluster, server_tls) as endpoint:
        # 2. The stack changed: another endpoint and the tenant's namespace. No FORCE needed: nothing was edited.
        second = loopback_outputs(endpoint, server_tls.ca_base64, SERVICE_ACCOUNT)
        second[names.TENANTS][TENANT][names.NAMESPACE] = SECOND_NAMESPACE
        assert _render(project, second, tmp_path) == 0, capsys.readouterr().err
        status = _status(capsys.readouterr().out, project)
        assert {status[relative] for relative in OWNED_WHOLE} == {"updated"}
        assert status["airflow_settings.yaml"] == "merged"
        _assert_user_lines_kept(project)
        _assert_current(project, second)
        assert f'NAMESPACE = "{SECOND_NAMESPACE}"' in (project / "dags" / "remote_kpo.py").read_text()

        # 3. The user edits a generated file; the next render keeps the edit.
        dag = project / "dags" / "remote_kpo.py"
        dag.write_text(dag.read_text() + USER_EDIT)
        assert _render(project, second, tmp_path) == 0, capsys.readouterr().err
        assert _status(capsys.readouterr().out, project)["dags/remote_kpo.py"] == "kept"
        assert dag.read_text().endswith(USER_EDIT)
        _assert_user_lines_kept(project)
        _assert_current(project, second, edited=frozenset({"dags/remote_kpo.py"}))

        # 4. A stack change that would touch the edited file refuses everything, edit intact.
        third = json.loads(json.dumps(second))
        third[names.TENANTS][TENANT][names.NAMESPACE] = NAMESPACE
        before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
        assert _render(project, third, tmp_path) == 1
        assert "-" + USER_EDIT.rstrip() in capsys.readouterr().err  # the diff of theirs against this render
        assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before

        # 5. The project as it now stands runs the rendered DAG (with the user's edit) next to the user's DAG.
        home = migrated_airflow_home.clone(tmp_path / "home", project / "dags", metadata_host)
        name, value = connection_env_var((project / "connection.env").read_text())
        result = home.run("dags", "test", "remote_kpo", extra_env={name: value})

    output = result.stdout + result.stderr
    assert home.task_states("remote_kpo") == {"run_on_gke": "success"}, output[-4000:]
    [pod] = cluster.pods.created
    assert pod["metadata"]["namespace"] == SECOND_NAMESPACE
    assert not [record for record in cluster.audit if not record.allowed]
