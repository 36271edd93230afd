"""What OUT and TENANT mean, and one clear error (exit 2, no traceback) for each kind of bad outputs file."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from gke_kpo.contract import outputs as names
from gke_kpo.render.__main__ import main
from gke_kpo.render.outputs_file import GOOD_OUTPUTS_COMMAND

from .conftest import GPU_XCOM_OUTPUTS_FILE, TENANT, load_gpu_xcom_outputs


def _render(outputs: Path, out: Path, *extra: str) -> int:
    return main(["--outputs", str(outputs), "--out", str(out), *extra])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"\n  \n", "is empty"),
        (b"Current stack is dev:\n", "is not JSON (Expecting value at line 1, column 1)"),
        (b'{"project": "p"', "is not JSON"),
        (b"[]", "must hold one JSON object of stack outputs, got a JSON list"),
        ('{"a": 1}'.encode("utf-16"), "is not UTF-8 text"),
    ],
)
def test_a_bad_outputs_file_names_the_command_that_writes_a_good_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, problem: str
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_bytes(content)

    assert _render(outputs, tmp_path / "out") == 2

    error = capsys.readouterr().err
    assert error.count("\n") == 1, error  # one line, no traceback
    assert error.startswith(f"error: {outputs}: {problem}") and error.rstrip().endswith(f"`{GOOD_OUTPUTS_COMMAND}`")
    assert not (tmp_path / "out").exists()


def test_outputs_exported_without_show_secrets_are_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs.json"
    redacted = load_gpu_xcom_outputs() | {names.CLUSTER_CA_CERTIFICATE: "[secret]", names.KUBECONFIG: "[secret]"}
    outputs.write_text(json.dumps(redacted))

    assert _render(outputs, tmp_path / "out") == 2

    error = capsys.readouterr().err
    assert f"{names.CLUSTER_CA_CERTIFICATE}, {names.KUBECONFIG} are '[secret]'" in error
    assert "without --show-secrets" in error and GOOD_OUTPUTS_COMMAND in error
    assert "base64" not in error


def test_a_missing_outputs_file_is_one_line_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _render(tmp_path / "nope.json", tmp_path / "out") == 2
    expected = f"error: {tmp_path / 'nope.json'}: no such file; write it with `{GOOD_OUTPUTS_COMMAND}`\n"
    assert capsys.readouterr().err == expected


def test_a_folder_as_outputs_file_is_named_as_the_wrong_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _render(tmp_path, tmp_path / "out") == 2
    expected = (
        f"error: --outputs (make: OUTPUTS) {tmp_path} is a folder, not the outputs file; point it at the file "
        f"`{GOOD_OUTPUTS_COMMAND}` writes\n"
    )
    assert capsys.readouterr().err == expected
    assert not (tmp_path / "out").exists()


def test_with_tenant_out_is_the_tenants_own_folder(tmp_path: Path) -> None:
    project = tmp_path / "my-astro-project"

    assert _render(GPU_XCOM_OUTPUTS_FILE, project, "--tenant", TENANT) == 0

    assert (project / "dags" / "remote_kpo.py").is_file() and (project / "Dockerfile").is_file()
    assert not (project / TENANT).exists()


def test_without_tenant_each_tenant_gets_a_folder(tmp_path: Path) -> None:
    assert _render(GPU_XCOM_OUTPUTS_FILE, tmp_path) == 0

    assert (tmp_path / TENANT / "dags" / "remote_kpo.py").is_file()


@pytest.mark.parametrize(
    "marker",
    [
        {"Dockerfile": "FROM astrocrpublic.azurecr.io/runtime:3.3-1\n"},
        {"Dockerfile": "FROM quay.io/astronomer/astro-runtime:12.5.0\n"},
        {"Dockerfile": "FROM my-registry/airflow:1\n", ".astro/config.yaml": "project:\n  name: x\n"},
    ],
)
def test_an_astro_project_as_out_without_tenant_is_refused_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], marker: dict[str, str]
) -> None:
    for relative, text in marker.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    before = sorted(tmp_path.rglob("*"))

    assert _render(GPU_XCOM_OUTPUTS_FILE, tmp_path) == 2

    error = capsys.readouterr().err
    assert "is an Astro project" in error and f"OUT={tmp_path} TENANT=<{TENANT}>" in error
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize(
    "marker",
    [
        {"Dockerfile": "FROM python:3.12\n"},
        {".astro/config.yaml": "context: x\n"},  # without a Dockerfile: ~/.astro, the CLI's home configuration
    ],
)
def test_other_folders_are_no_astro_project(tmp_path: Path, marker: dict[str, str]) -> None:
    for relative, text in marker.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)

    assert _render(GPU_XCOM_OUTPUTS_FILE, tmp_path) == 0
    assert (tmp_path / TENANT / "dags" / "remote_kpo.py").is_file()


def test_a_write_no_check_foresaw_failing_is_one_line_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(files: dict[str, str], root: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(root / min(files)))

    monkeypatch.setattr("gke_kpo.render.place.write_files", disk_full)

    assert _render(GPU_XCOM_OUTPUTS_FILE, tmp_path, "--tenant", TENANT) == 2

    error = capsys.readouterr().err
    assert error == (
        f"error: {tmp_path / '.dockerignore'}: No space left on device; render stopped there. Fix that and render "
        "again: files it wrote before show as `unchanged` then.\n"
    )
