"""`make stack NAME=<name>` in a copy of the repository, then the stack and the test suite as a user runs them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gke_kpo.config.template import tenant_name
from gke_kpo.contract.outputs import TENANTS
from gke_kpo.new_stack import StackExistsError, create_stack, next_steps
from gke_kpo.repo import REPO_ROOT
from tests.stacks import free_stack_name

# `make` targets may (re)install the shared .venv: only one pytest-xdist worker runs them.
pytestmark = pytest.mark.xdist_group("make-venv")


def _copy_repo(target: Path) -> Path:
    """Tracked and new files with their timestamps (so make sees the venv as up to date), the venvs linked."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO_ROOT, capture_output=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot list the repository's files")
    for relative in filter(None, listed.stdout.decode().split("\0")):
        source = REPO_ROOT / relative
        if source.is_file() and not source.is_symlink():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    for venv in (".venv", "policies/venv"):
        if (REPO_ROOT / venv).exists():
            (target / venv).symlink_to((REPO_ROOT / venv).resolve())
    return target


def _make(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=repo, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not Path(sys.prefix).resolve().is_relative_to((REPO_ROOT / ".venv").resolve()):
        pytest.skip("runs make targets against the repository's .venv; run it through `make test`")
    return _copy_repo(tmp_path_factory.mktemp("repo"))


def test_make_stack_writes_the_templates_and_the_stack_plans_green(repo: Path) -> None:
    name = "staging" if not (repo / "Pulumi.staging.yaml").exists() else free_stack_name(repo)

    created = _make(repo, "stack", f"NAME={name}", "POLICY=1")

    assert created.returncode == 0, created.stderr
    assert f"created Pulumi.{name}.yaml" in created.stdout and f"make plan STACK={name}" in created.stdout
    assert (repo / "policies" / "config" / f"{name}.json").is_file()
    planned = _make(repo, "plan", f"STACK={name}")
    assert planned.returncode == 0, planned.stdout[-2000:] + planned.stderr
    assert "Policies PASSED" in planned.stdout
    # Unedited, it plans (under mocks anything goes) but says which values are still the template's.
    warning = planned.stdout.split(f"warning: Pulumi.{name}.yaml still holds `make stack` placeholders in ")[-1]
    assert warning.startswith(f"gke-kpo:project, gke-kpo:tenants.{tenant_name(name)}.airflow_service_account:")
    # A tenants-shaped stack: one tenant named after the stack, with its own rendered files.
    outputs = json.loads((repo / "build" / name / "outputs.json").read_text())
    assert list(outputs[TENANTS]) == [name]
    assert (repo / "build" / name / "airflow" / name / "dags" / "remote_kpo.py").is_file()

    # The suite a user runs next: the stack is planned, has no golden file and needs none.
    suite = subprocess.run(
        [
            str(repo / ".venv" / "bin" / "python"),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            # a handful of tests: starting pytest-xdist workers (addopts -n) would cost more than it saves
            "-n",
            "0",
            "tests/stack/test_golden.py",
            "tests/stack/test_plan_command.py",
            "tests/stack/test_replacement_review.py",
            "tests/policies/test_gate_protocol.py",
            # the stack's own plan ran above; here only what used to trip over a new stack
            "-k",
            f"golden or unknown_stack or missing_config or prints_a_tree and {name}",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert suite.returncode == 0, suite.stdout[-3000:]
    assert (
        f"[{name}]"
        in subprocess.run(
            [
                str(repo / ".venv" / "bin" / "python"),
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                "tests/stack/test_plan_command.py",
            ],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    )


def test_an_edited_stack_without_policy_config_passes_the_strict_defaults_without_warnings(repo: Path) -> None:
    name = free_stack_name(repo)
    assert _make(repo, "stack", f"NAME={name}").returncode == 0
    assert not (repo / "policies" / "config" / f"{name}.json").exists()
    stack = repo / f"Pulumi.{name}.yaml"
    edited = stack.read_text().replace("replace-me-project", "acme-ml").replace("replace-me@", "astro-ml@")
    stack.write_text(edited)

    planned = _make(repo, "plan", f"STACK={name}")

    assert planned.returncode == 0, planned.stdout[-2000:] + planned.stderr
    assert f"no policies/config/{name}.json" in planned.stdout
    assert "warning:" not in planned.stdout


def test_the_templates_gpu_lines_uncommented_plan_green(repo: Path) -> None:
    name = free_stack_name(repo)
    assert _make(repo, "stack", f"NAME={name}").returncode == 0
    stack = repo / f"Pulumi.{name}.yaml"
    text = stack.read_text().replace("gke-kpo:gpu_count: 0", "gke-kpo:gpu_count: 1")
    stack.write_text(re.sub(r"^  # (gke-kpo:(gpu_|quota_gpus))", r"  \1", text, flags=re.MULTILINE))

    planned = _make(repo, "plan", f"STACK={name}")

    assert planned.returncode == 0, planned.stdout[-2000:] + planned.stderr
    assert "gcp:NodePool" in planned.stdout and "g2-standard-8" in planned.stdout


def test_make_stack_never_overwrites(repo: Path) -> None:
    before = (repo / "Pulumi.dev.yaml").read_bytes()

    result = _make(repo, "stack", "NAME=dev", "POLICY=1")

    assert result.returncode != 0
    assert "Pulumi.dev.yaml" in result.stderr and "policies/config/dev.json" in result.stderr
    assert "(pick another NAME or edit it)" in result.stderr
    assert (repo / "Pulumi.dev.yaml").read_bytes() == before


def test_a_stack_file_deleted_but_its_policy_config_kept_is_told_to_drop_policy(tmp_path: Path) -> None:
    (tmp_path / "policies" / "config").mkdir(parents=True)
    (tmp_path / "policies" / "config" / "carol.json").write_text("{}")
    with pytest.raises(StackExistsError, match=r"carol\.json already exists; nothing was written \(drop POLICY=1"):
        create_stack("carol", tmp_path, policy=True)
    assert create_stack("carol", tmp_path) == [tmp_path / "Pulumi.carol.yaml"]


@pytest.mark.parametrize("args", [[], ["NAME=my.stack"], ["NAME=-x"]])
def test_make_stack_refuses_a_missing_or_bad_name(repo: Path, args: list[str]) -> None:
    result = _make(repo, "stack", *args)
    assert result.returncode != 0
    assert "NAME=" in result.stdout + result.stderr or "stack name" in result.stderr
    assert not (repo / "Pulumi.my.stack.yaml").exists() and not (repo / "Pulumi.-x.yaml").exists()


def _with(repo: Path, name: str, **values: str) -> None:
    stack = repo / f"Pulumi.{name}.yaml"
    stack.write_text(stack.read_text() + "".join(f"  gke-kpo:{key}: {value}\n" for key, value in values.items()))


def test_policy_messages_name_the_config_key_the_value_and_the_policy_config(repo: Path) -> None:
    name = free_stack_name(repo)
    assert _make(repo, "stack", f"NAME={name}").returncode == 0
    stack = repo / f"Pulumi.{name}.yaml"
    stack.write_text(stack.read_text().replace("gke-kpo:gpu_count: 0", "gke-kpo:gpu_count: 1"))
    _with(repo, name, deletion_protection="false", gpu_max_nodes="9")

    planned = _make(repo, "plan", f"STACK={name}")

    assert planned.returncode != 0
    assert "mandatory gke-hardening @" in planned.stdout and "mandatory gpu-cost-guard @" in planned.stdout
    printed = (repo / "build" / name / "policies.txt").read_text()  # the messages unwrapped
    assert f"set gke-kpo:deletion_protection to true in Pulumi.{name}.yaml" in printed
    assert f'"gke-hardening": {{"requireDeletionProtection": false}} in policies/config/{name}.json' in printed
    assert f"set gke-kpo:gpu_max_nodes to at most 4 in Pulumi.{name}.yaml" in printed
    assert "limit gpu-cost-guard.maxGpuNodes = 4 (the pack default, policies/kpo_policies/settings.py)" in printed
    assert f'"gpu-cost-guard": {{"maxGpuNodes": 9}} in policies/config/{name}.json' in printed


def test_a_limit_set_in_the_policy_config_is_named_there(repo: Path) -> None:
    name = free_stack_name(repo)
    assert _make(repo, "stack", f"NAME={name}", "POLICY=1").returncode == 0
    stack = repo / f"Pulumi.{name}.yaml"
    stack.write_text(stack.read_text().replace("gke-kpo:gpu_count: 0", "gke-kpo:gpu_count: 1"))
    _with(repo, name, gpu_max_nodes="3")

    planned = _make(repo, "plan", f"STACK={name}")

    assert planned.returncode != 0
    printed = (repo / "build" / name / "policies.txt").read_text()
    assert f"limit gpu-cost-guard.maxGpuNodes = 2 (policies/config/{name}.json)" in printed


@pytest.mark.parametrize(("stack", "tenant"), [("staging", "staging"), ("My_Stack", "my-stack"), ("__", "airflow")])
def test_the_template_tenant_is_a_dns_label_named_after_the_stack(stack: str, tenant: str) -> None:
    assert tenant_name(stack) == tenant


def test_a_kept_policy_config_is_named_in_the_next_steps_not_offered_to_copy() -> None:
    steps = next_steps("carol", policy=False, kept_policy=True)
    assert "policies/config/carol.json (already there, kept) sets each policy's level" in steps
    assert "copy templates/policy-config.json" not in steps


def test_make_stack_refuses_a_policy_switch_other_than_0_or_1(repo: Path) -> None:
    result = _make(repo, "stack", "NAME=yes-policy", "POLICY=yes")
    assert result.returncode == 2 and "error: POLICY takes 1 (on) or 0 (off), got 'yes'" in result.stderr
    assert not (repo / "Pulumi.yes-policy.yaml").exists()


def test_make_stack_policy_0_writes_no_policy_config(repo: Path) -> None:
    result = _make(repo, "stack", "NAME=zero-policy", "POLICY=0")
    assert result.returncode == 0, result.stderr
    assert (repo / "Pulumi.zero-policy.yaml").is_file() and not (repo / "policies/config/zero-policy.json").exists()
