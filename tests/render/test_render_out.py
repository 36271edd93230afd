"""`make render` where OUT cannot take the files, into a folder rendered for another tenant, and without OUTPUTS or
OUT: one `error:` line naming what is wrong and the fix, exit 2, no traceback, nothing written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gke_kpo.contract import outputs as names
from gke_kpo.render.manifest import MANIFEST_PATH
from gke_kpo.repo import REPO_ROOT

from .conftest import GPU_XCOM_OUTPUTS_FILE, TENANT, load_gpu_xcom_outputs, tenant_of, unwritable

# `make` targets may (re)install the shared .venv: only one pytest-xdist worker runs them.
pytestmark = pytest.mark.xdist_group("make-venv")

OTHER = "team-b"
OTHER_NAMESPACE = "team-b-jobs"


def _make_render(*variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "render", *variables],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def _python_render(*args: str) -> subprocess.CompletedProcess[str]:
    """The command itself, for its own exit code (make turns every failure into its own 2)."""
    return subprocess.run(
        [sys.executable, "-m", "gke_kpo.render", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )


def _errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _two_tenant_outputs(folder: Path) -> Path:
    outputs = load_gpu_xcom_outputs()
    tenants = {TENANT: tenant_of(outputs), OTHER: tenant_of(outputs) | {names.NAMESPACE: OTHER_NAMESPACE}}
    path = folder / "outputs.json"
    path.write_text(json.dumps(outputs | {names.TENANTS: tenants}))
    return path


def _namespace(project: Path) -> str:
    namespace: str = json.loads((project / "connection.json").read_text())["extra"]["namespace"]
    return namespace


def _recorded_tenant(project: Path) -> str:
    tenant: str = json.loads((project / MANIFEST_PATH).read_text())["tenant"]
    return tenant


@pytest.mark.parametrize("tenant", [[], [f"TENANT={TENANT}"]], ids=["every tenant", "one tenant"])
def test_out_that_is_a_file_is_refused_naming_it(tmp_path: Path, tenant: list[str]) -> None:
    out = tmp_path / "outputs-copy.json"
    out.write_text("{}\n")

    result = _make_render(f"OUTPUTS={GPU_XCOM_OUTPUTS_FILE}", f"OUT={out}", *tenant)

    assert "Error 2" in result.stderr
    assert _errors(result) == [
        f"error: --out (make: OUT) {out} is a file, not a folder; move it away, or point OUT at another folder "
        "(render creates a missing one). Nothing was written."
    ]
    assert _tree(tmp_path) == {"outputs-copy.json": b"{}\n"}


def test_out_that_is_a_dangling_symlink_says_where_it_points(tmp_path: Path) -> None:
    out = tmp_path / "astro"
    out.symlink_to("/nonexistent/dir")

    result = _make_render(f"OUTPUTS={GPU_XCOM_OUTPUTS_FILE}", f"OUT={out}", f"TENANT={TENANT}")

    assert "Error 2" in result.stderr and result.stdout == ""
    assert _errors(result) == [
        f"error: --out (make: OUT) {out} is a symlink to /nonexistent/dir, which does not exist; create the folder it "
        "points to or remove the link, or point OUT at another folder (render creates a missing one). Nothing was "
        "written."
    ]
    assert [path.name for path in tmp_path.iterdir()] == ["astro"]


@pytest.mark.parametrize("check", [[], ["--check"]], ids=["render", "check"])
def test_out_below_a_file_is_refused_naming_that_file(tmp_path: Path, check: list[str]) -> None:
    (tmp_path / "notes").write_text("mine\n")
    out = tmp_path / "notes" / "astro"

    result = _python_render("--outputs", str(GPU_XCOM_OUTPUTS_FILE), "--out", str(out), *check)

    assert result.returncode == 2 and result.stdout == ""
    [error] = _errors(result)
    assert error.startswith(f"error: --out (make: OUT) {out}: {tmp_path / 'notes'} is a file, not a folder; ")
    assert _tree(tmp_path) == {"notes": b"mine\n"}


def test_a_file_inside_out_where_a_tenant_folder_must_be_is_named(tmp_path: Path) -> None:
    (tmp_path / TENANT).write_text("")

    result = _python_render("--outputs", str(GPU_XCOM_OUTPUTS_FILE), "--out", str(tmp_path))

    assert result.returncode == 2
    [error] = _errors(result)
    assert error.startswith(f"error: {tmp_path / TENANT} is a file, not a folder; move it away, ")


def test_out_that_cannot_be_written_is_refused_naming_it(tmp_path: Path) -> None:
    out = tmp_path / "astro"
    out.mkdir()

    with unwritable(out):
        result = _make_render(f"OUTPUTS={GPU_XCOM_OUTPUTS_FILE}", f"OUT={out}")

    assert "Error 2" in result.stderr
    assert _errors(result) == [
        f"error: --out (make: OUT) {out} cannot be written (no write permission, or a read-only file system); make "
        "it writable for you, or point OUT at another folder (render creates a missing one). Nothing was written."
    ]
    assert list(out.iterdir()) == []


def test_another_tenant_into_a_rendered_folder_is_refused_until_asked_to_switch(tmp_path: Path) -> None:
    outputs = _two_tenant_outputs(tmp_path)
    project = tmp_path / "project"
    first = _make_render(f"OUTPUTS={outputs}", f"OUT={project}", f"TENANT={TENANT}")
    assert first.returncode == 0, first.stderr
    assert _recorded_tenant(project) == TENANT
    before = _tree(project)

    refused = _make_render(f"OUTPUTS={outputs}", f"OUT={project}", f"TENANT={OTHER}")

    assert "Error 2" in refused.stderr and refused.stdout == ""
    [error] = _errors(refused)
    assert error.startswith(f"error: {project} was rendered for tenant {TENANT} of cluster gke_")
    assert f"not for {OTHER}" in error and "Nothing was written" in error
    assert f"TENANT={TENANT}" in error and "another OUT" in error and "SWITCH_TENANT=1" in error
    assert _tree(project) == before
    # FORCE settles conflicts over files; it does not switch a folder's tenant.
    assert "Error 2" in _make_render(f"OUTPUTS={outputs}", f"OUT={project}", f"TENANT={OTHER}", "FORCE=1").stderr
    assert _tree(project) == before
    # CHECK=1 and a refused render switch nothing, and say so.
    checked = _make_render(f"OUTPUTS={outputs}", f"OUT={project}", f"TENANT={OTHER}", "SWITCH_TENANT=1", "CHECK=1")
    assert "Error 1" in checked.stderr
    assert f"note: {project}: would switch from tenant {TENANT} to {OTHER}" in checked.stderr
    dag = project / "dags" / "remote_kpo.py"
    dag.write_text(dag.read_text() + "# mine\n")
    edited = _tree(project)
    refused_by_edit = _make_render(f"OUTPUTS={outputs}", f"OUT={project}", f"TENANT={OTHER}", "SWITCH_TENANT=1")
    assert "Error 1" in refused_by_edit.stderr and "switched from" not in refused_by_edit.stderr
    assert _tree(project) == edited
    dag.write_bytes(before["dags/remote_kpo.py"])

    switched = _make_render(f"OUTPUTS={outputs}", f"OUT={project}", f"TENANT={OTHER}", "SWITCH_TENANT=1")

    assert switched.returncode == 0, switched.stderr
    assert f"note: {project}: switched from tenant {TENANT} to {OTHER}" in switched.stderr
    assert (_namespace(project), _recorded_tenant(project)) == (OTHER_NAMESPACE, OTHER)


def test_without_tenant_each_folder_records_its_tenant_and_a_mixed_up_one_stops_all(tmp_path: Path) -> None:
    outputs = _two_tenant_outputs(tmp_path)
    out = tmp_path / "astro"

    assert _make_render(f"OUTPUTS={outputs}", f"OUT={out}").returncode == 0
    assert (_recorded_tenant(out / TENANT), _recorded_tenant(out / OTHER)) == (TENANT, OTHER)

    # team-b's folder replaced by a copy of team-a's: the next render of every tenant stops, writing nothing.
    (out / OTHER / MANIFEST_PATH).write_bytes((out / TENANT / MANIFEST_PATH).read_bytes())
    (out / TENANT / "kubeconfig.yaml").unlink()
    before = _tree(out)
    result = _python_render("--outputs", str(outputs), "--out", str(out))

    assert result.returncode == 2
    [error] = _errors(result)
    assert error.startswith(f"error: {out / OTHER} was rendered for tenant {TENANT} ")
    assert _tree(out) == before


def test_one_tenant_into_the_folder_of_every_tenant_is_refused_naming_its_folder(tmp_path: Path) -> None:
    outputs = _two_tenant_outputs(tmp_path)
    out = tmp_path / "all"
    assert _make_render(f"OUTPUTS={outputs}", f"OUT={out}").returncode == 0
    before = _tree(out)

    result = _make_render(f"OUTPUTS={outputs}", f"OUT={out}", f"TENANT={OTHER}")

    assert "Error 2" in result.stderr and result.stdout == ""
    assert _errors(result) == [
        f"error: --out (make: OUT) {out} holds one folder per tenant from a render of every tenant; did you mean "
        f"OUT={out / OTHER}? (Or leave TENANT out to render every tenant there.) Nothing was written."
    ]
    assert _tree(out) == before
    assert _make_render(f"OUTPUTS={outputs}", f"OUT={out / OTHER}", f"TENANT={OTHER}").returncode == 0


@pytest.mark.parametrize("base", [None, "my-registry/airflow:3.3"], ids=["astro project", "own base image"])
def test_every_tenant_into_one_tenants_folder_is_refused_naming_its_tenant(tmp_path: Path, base: str | None) -> None:
    outputs = _two_tenant_outputs(tmp_path)
    project = tmp_path / "project"
    assert _make_render(f"OUTPUTS={outputs}", f"OUT={project}", f"TENANT={OTHER}").returncode == 0
    if base:  # no longer an Astro project by its FROM: the manifest still says whose folder it is
        dockerfile = project / "Dockerfile"
        dockerfile.write_text(re.sub("^FROM .*$", f"FROM {base}", dockerfile.read_text(), flags=re.MULTILINE))
    before = _tree(project)

    result = _make_render(f"OUTPUTS={outputs}", f"OUT={project}")

    assert "Error 2" in result.stderr and result.stdout == ""
    [error] = _errors(result)
    what = "a folder" if base else "an Astro project"
    assert error.startswith(f"error: --out (make: OUT) {project} is {what} rendered for tenant {OTHER} ")
    assert error.endswith(f"Render that tenant there: make render OUTPUTS={outputs} OUT={project} TENANT={OTHER}")
    assert _tree(project) == before


def test_a_folder_rendered_before_tenants_were_recorded_records_it_now(tmp_path: Path) -> None:
    project = tmp_path / "project"
    assert _make_render(f"OUTPUTS={GPU_XCOM_OUTPUTS_FILE}", f"OUT={project}", f"TENANT={TENANT}").returncode == 0
    manifest = json.loads((project / MANIFEST_PATH).read_text())
    (project / MANIFEST_PATH).write_text(json.dumps({"about": manifest["about"], "files": manifest["files"]}))

    again = _make_render(f"OUTPUTS={GPU_XCOM_OUTPUTS_FILE}", f"OUT={project}", f"TENANT={TENANT}")

    assert again.returncode == 0, again.stderr
    assert {line.split()[0] for line in again.stdout.splitlines()} == {"unchanged"}
    assert _recorded_tenant(project) == TENANT


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        (["OUT=/tmp/x"], ["OUTPUTS"]),
        ([f"OUTPUTS={GPU_XCOM_OUTPUTS_FILE}"], ["OUT"]),
        ([], ["OUTPUTS", "OUT"]),
    ],
)
def test_a_missing_variable_is_named_before_the_usage(variables: list[str], missing: list[str]) -> None:
    result = _make_render(*variables)

    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(":")[1].strip() for line in lines[: len(missing)]] == [f"{name} is required" for name in missing]
    assert lines[len(missing)] == "make render" and "Usage: make render OUTPUTS=" in result.stderr


@pytest.mark.parametrize(
    "option", ["FORCE", "BESIDE", "CHECK", "SWITCH_TENANT", "MOCK", "KEEP_FAILED_PODS", "DEFERRABLE"]
)
def test_a_switch_is_on_for_1_off_for_0_and_refuses_anything_else(option: str) -> None:
    def command(value: str) -> str:
        result = _make_render("-n", "OUTPUTS=o.json", "OUT=out", f"{option}={value}")
        assert result.returncode == 0, result.stderr
        joined = result.stdout.replace("\\\n", " ")  # the recipe's continued lines, as the shell reads them
        return next(line for line in joined.splitlines() if "-m gke_kpo.render" in line)

    if option == "DEFERRABLE":  # on unless turned off
        assert "--no-deferrable" in command("0") and "--no-deferrable" not in command("1")
    else:
        flag = {"MOCK": "--allow-mock"}.get(option, "--" + option.lower().replace("_", "-"))
        assert flag in command("1") and flag not in command("0")
    # Before any venv is built or the command runs (it would print to stdout and fail on o.json).
    for value in ("yes", "it's"):
        refused = _make_render("OUTPUTS=o.json", "OUT=out", f"{option}={value}")
        assert "Error 2" in refused.stderr and refused.stdout == ""
        assert _errors(refused) == [f"error: {option} takes 1 (on) or 0 (off), got '{value}'"]


@pytest.mark.parametrize("on", [["FORCE", "BESIDE"], ["BESIDE", "CHECK"], ["FORCE", "BESIDE", "CHECK"]])
def test_force_beside_and_check_exclude_each_other_in_makes_names(on: list[str]) -> None:
    result = _make_render("OUTPUTS=o.json", "OUT=out", *(f"{name}=1" for name in on))

    assert "Error 2" in result.stderr and result.stdout == ""
    together = ", ".join(f"{name}=1" for name in on[:-1]) + f" and {on[-1]}=1"
    assert _errors(result) == [f"error: {together} exclude each other: pick one"]
