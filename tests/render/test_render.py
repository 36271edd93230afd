"""The renderer: every file, determinism, the drift check and the errors on bad outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.contract import outputs as names
from gke_kpo.render import OutputsError, pins, place_files, render_files, write_files
from gke_kpo.render.manifest import MANIFEST_PATH, rendered_for

from .conftest import GPU_XCOM_OUTPUTS_FILE, TENANT, one_tenant_files, tenant_of

RENDERED_FILES = {
    "kubeconfig.yaml",
    "connection.json",
    "connection.env",
    "airflow_settings.yaml",
    "Dockerfile",
    "requirements.txt",
    "dags/remote_kpo.py",
    ".dockerignore",
    ".gitignore",
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gke_kpo.render", "--outputs", str(GPU_XCOM_OUTPUTS_FILE), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_cli_writes_every_file_byte_identically_twice(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert _cli("--out", str(first)).returncode == 0
    assert _cli("--out", str(second)).returncode == 0

    assert set(_tree_bytes(first)) == {f"{TENANT}/{name}" for name in (*RENDERED_FILES, MANIFEST_PATH)}
    assert _tree_bytes(first) == _tree_bytes(second)


def test_check_lists_exactly_the_files_that_drifted(tmp_path: Path) -> None:
    assert _cli("--out", str(tmp_path)).returncode == 0
    assert _cli("--out", str(tmp_path), "--check").returncode == 0
    (tmp_path / TENANT / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / TENANT / "dags" / "remote_kpo.py").unlink()

    result = _cli("--out", str(tmp_path), "--check")

    assert result.returncode == 1
    changed = [line for line in result.stdout.splitlines() if not line.startswith("unchanged")]
    assert changed == [
        f"would merge  {tmp_path / TENANT / 'Dockerfile'} (added)",  # render's block, into the FROM left as is
        f"would write  {tmp_path / TENANT / 'dags' / 'remote_kpo.py'}",
    ]
    assert (tmp_path / TENANT / "Dockerfile").read_text() == "FROM scratch\n"  # --check writes nothing
    assert not (tmp_path / TENANT / "dags" / "remote_kpo.py").exists()


def test_cli_reports_bad_outputs_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "outputs.json"
    bad.write_text(json.dumps(json.loads(GPU_XCOM_OUTPUTS_FILE.read_text()) | {names.ENDPOINT: "https://1.2.3.4"}))

    result = subprocess.run(
        [sys.executable, "-m", "gke_kpo.render", "--outputs", str(bad), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert "'endpoint'" in result.stderr and "no scheme" in result.stderr
    assert not (tmp_path / "out").exists()


def test_written_files_are_then_unchanged(tmp_path: Path, any_outputs: dict[str, Any]) -> None:
    files = render_files(any_outputs)
    write_files(files, tmp_path)
    assert not place_files(files, tmp_path, rendered_for(any_outputs, TENANT), dry_run=True).pending


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        (names.ENDPOINT, "https://34.1.2.3", "'endpoint'"),
        (names.ENDPOINT, "34.1.2.3/api", "'endpoint'"),
        (names.CLUSTER_CA_CERTIFICATE, "bm90IGEgY2VydA==", "'cluster_ca_certificate'"),
        (names.CLUSTER_CA_CERTIFICATE, "-----BEGIN CERTIFICATE-----", "'cluster_ca_certificate'"),
        (names.GPU, {"accelerator": "nvidia-l4", "count": 0, "taint": {}, "node_selector": {}}, "'gpu.count'"),
        (names.PROJECT, "", "'project'"),
    ],
)
def test_bad_outputs_raise_naming_the_key(gpu_outputs: dict[str, Any], key: str, value: object, named: str) -> None:
    with pytest.raises(OutputsError, match=named):
        render_files(gpu_outputs | {key: value})


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        (names.NAMESPACE, "Team_B", f"'tenants.{TENANT}.namespace'"),
        (names.XCOM_PUSH, "false", f"'tenants.{TENANT}.xcom_push'"),
        (names.GPU_QUOTA, -1, f"'tenants.{TENANT}.gpu_quota'"),
        (names.IDENTITY_MODE, "Federated", f"'tenants.{TENANT}.identity_mode'"),
        (names.TASK_SERVICE_ACCOUNT, {"kubernetes_service_account": "Bad_Name"}, "kubernetes_service_account"),
    ],
)
def test_bad_tenant_outputs_raise_naming_the_path(
    gpu_outputs: dict[str, Any], key: str, value: object, named: str
) -> None:
    tenant_of(gpu_outputs)[key] = value
    with pytest.raises(OutputsError, match=named):
        render_files(gpu_outputs)


@pytest.mark.parametrize("key", [names.PROJECT, names.ENDPOINT, names.CLUSTER_CA_CERTIFICATE, names.TENANTS])
def test_missing_output_is_named(gpu_outputs: dict[str, Any], key: str) -> None:
    del gpu_outputs[key]
    with pytest.raises(OutputsError, match=f"missing output '{key}'"):
        render_files(gpu_outputs)


def test_absent_gpu_renders_like_null(gpu_outputs: dict[str, Any]) -> None:
    """The real CLI omits a None-valued Python export, so a stack without GPUs has no `gpu` key."""
    for tenant in gpu_outputs[names.TENANTS].values():
        tenant[names.GPU_QUOTA] = 0
    without_key = {key: value for key, value in gpu_outputs.items() if key != names.GPU}
    assert render_files(without_key) == render_files(gpu_outputs | {names.GPU: None})
    assert "nvidia.com/gpu" not in one_tenant_files(without_key)["dags/remote_kpo.py"]


def test_conn_id_must_fit_an_environment_variable(gpu_outputs: dict[str, Any]) -> None:
    with pytest.raises(OutputsError, match="connection id"):
        render_files(gpu_outputs, conn_id="gke-kpo")


def test_kubeconfig_is_the_stack_kubeconfig(any_outputs: dict[str, Any]) -> None:
    """One source of truth: the rendered file is what the stack exports and its provider uses."""
    assert one_tenant_files(any_outputs)["kubeconfig.yaml"] == any_outputs[names.KUBECONFIG]


def test_kubeconfig_has_exec_plugin_and_no_static_token(any_outputs: dict[str, Any]) -> None:
    config = yaml.safe_load(one_tenant_files(any_outputs)["kubeconfig.yaml"])
    name = f"gke_{any_outputs[names.PROJECT]}_{any_outputs[names.LOCATION]}_{any_outputs[names.CLUSTER_NAME]}"
    [cluster], [user], [context] = config["clusters"], config["users"], config["contexts"]

    assert (cluster["name"], user["name"], context["name"], config["current-context"]) == (name,) * 4
    assert cluster["cluster"]["server"] == f"https://{any_outputs[names.ENDPOINT]}"
    assert user["user"] == {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "gke-gcloud-auth-plugin",
            "args": ["--use_application_default_credentials"],
            "provideClusterInfo": True,
            "interactiveMode": "Never",
            "installHint": user["user"]["exec"]["installHint"],
        }
    }
    assert "gke-gcloud-auth-plugin" in user["user"]["exec"]["installHint"]


def test_connection_json_has_explicit_namespace_and_boolean_in_cluster(any_outputs: dict[str, Any]) -> None:
    files = one_tenant_files(any_outputs)
    connection = json.loads(files["connection.json"])

    assert connection["conn_type"] == "kubernetes"
    assert connection["extra"]["in_cluster"] is False
    assert connection["extra"]["namespace"] == tenant_of(any_outputs)[names.NAMESPACE]
    assert connection["extra"]["kube_config"] == yaml.safe_load(files["kubeconfig.yaml"])


def test_connection_env_survives_a_posix_shell(any_outputs: dict[str, Any], tmp_path: Path) -> None:
    files = one_tenant_files(any_outputs, conn_id="remote_gke")
    env_file = tmp_path / "connection.env"
    env_file.write_text(files["connection.env"])

    printed = subprocess.run(
        ["sh", "-c", f'. "{env_file}" && printf %s "$AIRFLOW_CONN_REMOTE_GKE"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assignments = [line for line in files["connection.env"].splitlines() if not line.startswith("#")]
    assert len(assignments) == 1
    assert json.loads(printed) == json.loads(files["connection.json"])


def test_connection_files_say_every_component_needs_them(any_outputs: dict[str, Any]) -> None:
    files = one_tenant_files(any_outputs)
    for name in ("connection.env", "airflow_settings.yaml"):
        assert "the scheduler, the workers and the triggerer alike" in files[name]


def test_astro_settings_carry_the_extra_as_a_json_string(any_outputs: dict[str, Any]) -> None:
    files = one_tenant_files(any_outputs, conn_id="remote_gke")
    [connection] = yaml.safe_load(files["airflow_settings.yaml"])["airflow"]["connections"]

    assert (connection["conn_id"], connection["conn_type"]) == ("remote_gke", "kubernetes")
    assert isinstance(connection["conn_extra"], str)
    assert json.loads(connection["conn_extra"]) == json.loads(files["connection.json"])["extra"]


def test_unknown_outputs_are_ignored(gpu_outputs: dict[str, Any]) -> None:
    assert render_files(gpu_outputs | {"added_later": [1, 2]}) == render_files(gpu_outputs)


def test_requirements_pin_the_provider_the_tests_run() -> None:
    [line] = one_tenant_files(json.loads(GPU_XCOM_OUTPUTS_FILE.read_text()))["requirements.txt"].splitlines()
    assert line == f"{pins.KUBERNETES_PROVIDER}=={version(pins.KUBERNETES_PROVIDER)}"


def _two_tenants(outputs: dict[str, Any]) -> dict[str, Any]:
    team_a = tenant_of(outputs)
    team_b = team_a | {names.NAMESPACE: "team-b-jobs", names.XCOM_PUSH: False, names.GPU_QUOTA: 0,
                       names.TASK_SERVICE_ACCOUNT: {names.KUBERNETES_SERVICE_ACCOUNT: "kpo-task"}}  # fmt: skip
    return outputs | {names.TENANTS: {TENANT: team_a, "team-b": team_b}}


def test_each_tenant_gets_its_own_complete_folder(gpu_outputs: dict[str, Any]) -> None:
    files = render_files(_two_tenants(gpu_outputs))
    assert set(files) == {f"{tenant}/{name}" for tenant in (TENANT, "team-b") for name in RENDERED_FILES}
    assert json.loads(files["team-b/connection.json"])["extra"]["namespace"] == "team-b-jobs"
    assert json.loads(files[f"{TENANT}/connection.json"])["extra"]["namespace"] == "airflow-kpo"
    assert "nvidia.com/gpu" in files[f"{TENANT}/dags/remote_kpo.py"]
    assert "nvidia.com/gpu" not in files["team-b/dags/remote_kpo.py"], "no GPU quota, no GPU task"
    assert "do_xcom_push=True" not in files["team-b/dags/remote_kpo.py"]


def test_tenant_option_renders_that_tenant_only(gpu_outputs: dict[str, Any]) -> None:
    both = render_files(_two_tenants(gpu_outputs))
    only_b = render_files(_two_tenants(gpu_outputs), tenant="team-b")
    assert only_b == {path: text for path, text in both.items() if path.startswith("team-b/")}
    with pytest.raises(OutputsError, match=r"no tenant 'team-c'.*team-a, team-b"):
        render_files(_two_tenants(gpu_outputs), tenant="team-c")


def test_cli_tenant_and_check_cover_every_tenant(tmp_path: Path, gpu_outputs: dict[str, Any]) -> None:
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(_two_tenants(gpu_outputs)))
    cli = [sys.executable, "-m", "gke_kpo.render", "--outputs", str(outputs_file), "--out", str(tmp_path / "out")]
    assert subprocess.run([*cli[:-1], str(tmp_path / "out" / "team-b"), "--tenant", "team-b"]).returncode == 0
    assert {path.name for path in (tmp_path / "out").iterdir()} == {"team-b"}
    check = subprocess.run([*cli, "--check"], capture_output=True, text=True, check=False)
    assert check.returncode == 1
    pending = [line for line in check.stdout.splitlines() if not line.startswith("unchanged")]
    assert f"would write  {tmp_path / 'out' / TENANT / 'Dockerfile'}" in pending
    assert not [line for line in pending if "/team-b/" in line]
    assert len(check.stdout.splitlines()) == 2 * len(RENDERED_FILES), "one line per file of every tenant"


def test_absent_and_null_task_service_account_render_alike(gpu_outputs: dict[str, Any]) -> None:
    without = {key: value for key, value in tenant_of(gpu_outputs).items() if key != names.TASK_SERVICE_ACCOUNT}
    assert render_files(gpu_outputs | {names.TENANTS: {TENANT: without}}) == render_files(gpu_outputs)


def test_a_gpu_quota_without_a_gpu_pool_is_named(gpu_outputs: dict[str, Any]) -> None:
    with pytest.raises(OutputsError, match=f"'tenants.{TENANT}.gpu_quota' is .* but outputs 'gpu_pools' and 'gpu'"):
        render_files(gpu_outputs | {names.GPU: None})


def test_cli_reports_an_outputs_file_that_is_not_utf8_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "outputs.json"
    bad.write_bytes("{}".encode("utf-16"))

    result = subprocess.run(
        [sys.executable, "-m", "gke_kpo.render", "--outputs", str(bad), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stdout) == (2, "")
    assert "not UTF-8" in result.stderr and str(bad) in result.stderr and "Traceback" not in result.stderr
