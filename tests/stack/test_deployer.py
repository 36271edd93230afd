from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.cloud import deployer_roles as deployer
from gke_kpo.config.parse import parse_settings, settings_of_stack
from gke_kpo.config.problems import ConfigError, Problem
from gke_kpo.config.values import as_cli_string
from gke_kpo.deployer import DeployerInputError, condition_admits, deployer_conditions, iam_policy
from gke_kpo.deployer import main as deployer_main
from gke_kpo.plan.condition_drift import condition_drift
from gke_kpo.repo import REPO_ROOT
from tests.stack.plan_run import plan_edited


def test_readme_deployer_tables_are_generated_from_the_module() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    block = readme.split("<!-- deployer-table:start -->\n")[1].split("<!-- deployer-table:end -->")[0]
    assert block.strip() == deployer.markdown_tables(), (
        "regenerate it with: .venv/bin/python -m gke_kpo.deployer --table"
    )


def test_act_as_is_granted_on_the_node_account_only() -> None:
    (act_as,) = [grant for grant in deployer.GRANTS if grant.role == "roles/iam.serviceAccountUser"]
    assert act_as.scope == f"{deployer.NODE_ACCOUNT} only"


@pytest.mark.parametrize(
    "api",
    ["container.googleapis.com", "compute.googleapis.com", "iam.googleapis.com", "cloudresourcemanager.googleapis.com"],
)
def test_the_apis_the_stack_calls_are_listed(api: str) -> None:
    assert api in deployer.required_apis()


def test_missing_apis_are_the_required_ones_not_enabled() -> None:
    enabled = [*deployer.required_apis()[1:], "bigquery.googleapis.com"]
    assert deployer.missing_apis(enabled) == deployer.required_apis()[:1]
    assert deployer.missing_apis(deployer.required_apis()) == []


def test_the_project_iam_condition_allows_only_the_roles_the_stack_grants() -> None:
    condition = deployer.project_iam_condition("acme-x", "kpo_launcher")
    assert condition == (
        "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly("
        "['roles/container.defaultNodeServiceAccount', 'projects/acme-x/roles/kpo_launcher'])"
    )


def test_the_condition_for_a_stack_admits_its_tenants_task_roles() -> None:
    result = _deployer("--condition-for", "dev")
    assert result.returncode == 0, result.stderr
    # dev's ml-dev tenant has a task service account holding roles/storage.objectViewer.
    assert "'roles/storage.objectViewer'" in result.stdout
    assert "'roles/container.defaultNodeServiceAccount'" in result.stdout


def _deployer(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gke_kpo.deployer", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=REPO_ROOT, check=False)


def test_the_cli_fails_on_a_missing_api_and_names_it() -> None:
    enabled = "\n".join(api for api in deployer.required_apis() if api != "cloudresourcemanager.googleapis.com")
    result = _deployer("--missing-apis", stdin=enabled)
    assert result.returncode == 1 and "cloudresourcemanager.googleapis.com" in result.stdout
    assert _deployer("--missing-apis", stdin="\n".join(deployer.required_apis())).returncode == 0


def test_the_cli_prints_a_stacks_project_and_node_account() -> None:
    assert _deployer("--project-of", "prod").stdout.strip() == "acme-airflow-prod"
    assert (
        _deployer("--node-account-of", "prod").stdout.strip()
        == "kpo-prod-nodes@acme-airflow-prod.iam.gserviceaccount.com"
    )


def test_the_deploy_workflow_checks_the_apis_before_pulumi_up() -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/pulumi-up.yml").read_text())
    steps = workflow["jobs"]["up"]["steps"]
    runs = [str(step.get("run", "")) for step in steps]
    check = next(index for index, run in enumerate(runs) if "gke_kpo.deployer --missing-apis" in run)
    up = next(index for index, step in enumerate(steps) if step.get("with", {}).get("command") == "up")
    assert check < up


def _workflow_steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/pulumi-up.yml").read_text())
    return list(workflow["jobs"]["up"]["steps"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_deploy_workflow_makes_its_identity_the_deployer_member_before_the_plan(tmp_path: Path, stack: str) -> None:
    steps = _workflow_steps()
    (index, step) = next((i, s) for i, s in enumerate(steps) if "deployer_member" in str(s.get("run", "")))
    plan = next(i for i, s in enumerate(steps) if "make plan" in str(s.get("run", "")))
    assert index < plan
    shutil.copy(REPO_ROOT / f"Pulumi.{stack}.yaml", tmp_path)
    member = "serviceAccount:deploy@acme-ci.iam.gserviceaccount.com"
    for _ in range(2):  # a re-run (or a stack file that already sets the key) must not add a second entry
        subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env={"STACK": stack, "MEMBER": member}, check=True)
    text = (tmp_path / f"Pulumi.{stack}.yaml").read_text()
    assert text.count("gke-kpo:deployer_member:") == 1
    config = yaml.safe_load(text)["config"]
    raw = {key.removeprefix("gke-kpo:"): as_cli_string(value) for key, value in config.items()}
    assert parse_settings(raw, stack).cluster.deployer_member == member


@pytest.mark.parametrize(
    ("stack", "listed", "left_out"),
    [
        ("dev", ["roles/iam.workloadIdentityPoolAdmin", "roles/compute.networkAdmin"], ["roles/compute.networkUser"]),
        (
            "prod",
            ["roles/compute.networkAdmin"],
            ["roles/iam.workloadIdentityPoolAdmin", "roles/artifactregistry.admin"],
        ),
    ],
)
def test_roles_for_a_stack_lists_only_what_its_config_needs(stack: str, listed: list[str], left_out: list[str]) -> None:
    result = _deployer("--roles-for", stack)
    assert result.returncode == 0, result.stderr
    roles = {line for line in result.stdout.splitlines() if line.startswith("roles/")}
    assert set(listed) <= roles and not set(left_out) & roles
    assert "kpo-prod-nodes@acme-airflow-prod.iam.gserviceaccount.com only" in _deployer("--roles-for", "prod").stdout


def test_the_readme_says_how_to_get_a_stacks_own_list() -> None:
    assert "python -m gke_kpo.deployer --roles-for <stack>" in (REPO_ROOT / "README.md").read_text()


DEPLOYER = "serviceAccount:deploy@acme-ci.iam.gserviceaccount.com"


def _policy(*conditions: str | None) -> dict[str, Any]:
    """A project IAM policy in which the deployer holds projectIamAdmin once per condition (None: unconditional)."""
    bindings: list[dict[str, Any]] = [{"role": "roles/viewer", "members": [DEPLOYER]}]
    for condition in conditions:
        binding: dict[str, Any] = {"role": "roles/resourcemanager.projectIamAdmin", "members": [DEPLOYER]}
        if condition is not None:
            binding["condition"] = {"title": "gke-kpo", "expression": condition}
        bindings.append(binding)
    return {"bindings": bindings, "etag": "BwX=", "version": 3}


def _admits(policy: dict[str, Any]) -> tuple[bool, list[str]]:
    return condition_admits(settings_of_stack("dev"), deployer_conditions(policy, DEPLOYER))


def test_the_condition_check_passes_the_current_condition_and_names_a_missing_role() -> None:
    current = _deployer("--condition-for", "dev").stdout.strip()
    assert _admits(_policy(current)) == (True, [])
    without_task_role = current.replace(", 'roles/storage.objectViewer'", "")
    admits, lines = _admits(_policy(without_task_role))
    assert not admits and "does not admit roles/storage.objectViewer" in lines[0] and lines[-1] == current
    # Bindings add up: a second binding admitting the task role is enough.
    second = "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/storage.objectViewer'])"
    assert _admits(_policy(without_task_role, second)) == (True, [])


def test_the_condition_check_warns_on_no_condition_and_refuses_one_it_cannot_read() -> None:
    admits, lines = _admits(_policy(None))
    assert admits and "unconditional" in lines[0]
    admits, lines = _admits(_policy())
    assert admits and "no roles/resourcemanager.projectIamAdmin binding" in lines[0]
    assert not _admits(_policy("request.time < timestamp('2030-01-01T00:00:00Z')"))[0]


def test_the_condition_check_reads_the_policy_on_stdin_and_needs_a_deployer_member() -> None:
    result = _deployer("--condition-admits", "dev", stdin=json.dumps(_policy()))
    assert result.returncode == 2 and "deployer_member" in result.stderr


def test_the_deploy_workflow_checks_the_condition_after_auth_and_before_pulumi_up() -> None:
    steps = _workflow_steps()
    runs = [str(step.get("run", "")) for step in steps]
    check = next(index for index, run in enumerate(runs) if "gke_kpo.deployer --condition-admits" in run)
    auth = next(index for index, step in enumerate(steps) if "auth@" in str(step.get("uses", "")))
    up = next(index for index, step in enumerate(steps) if step.get("with", {}).get("command") == "up")
    assert auth < check < up
    assert "gcloud projects get-iam-policy" in runs[check]


def test_the_plan_says_the_condition_must_change_when_a_task_role_is_added(tmp_path: Path) -> None:
    result = plan_edited(
        tmp_path,
        "dev",
        {"roles: [roles/storage.objectViewer]": "roles: [roles/storage.objectViewer, roles/logging.logWriter]"},
    )
    assert result.returncode == 0, result.stderr
    assert "the stack now grants roles/logging.logWriter at project level" in result.stdout
    expected = deployer.condition_over(
        [
            "roles/container.defaultNodeServiceAccount",
            "projects/acme-airflow-dev/roles/kpo_dev_kpo_launcher",
            "roles/logging.logWriter",
            "roles/storage.objectViewer",
        ]
    )
    assert f"  {expected}" in result.stdout.splitlines()


def _member(role: str) -> dict[str, Any]:
    return {"type": "gcp:projects/iAMMember:IAMMember", "name": role, "inputs": {"role": role}}


def test_the_condition_drift_is_silent_without_a_baseline_or_when_roles_only_go() -> None:
    both = [_member("roles/container.defaultNodeServiceAccount"), _member("roles/storage.objectViewer")]
    assert condition_drift(None, both, "golden") == []
    assert condition_drift(both, both[:1], "golden") == []
    added = condition_drift(both[:1], both, "golden")
    assert "roles/storage.objectViewer" in added[0]
    kept = condition_drift([both[1]], [both[0]], "golden")
    assert "roles/storage.objectViewer" in kept[3] and "narrow it after the update" in kept[4]


STACK_COMMANDS = ("--roles-for", "--project-of", "--condition-for", "--condition-admits", "--node-account-of")


@pytest.mark.parametrize("command", [*STACK_COMMANDS, "--gpu-quota-for"])
def test_a_missing_stack_is_one_error_line_and_exit_2(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert deployer_main([command, "no-such-stack"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: no stack file Pulumi.no-such-stack.yaml") and "make stack NAME=" in error
    assert "Traceback" not in error


def test_a_stack_with_a_config_problem_names_the_file_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refused(stack: str) -> None:
        raise ConfigError([Problem("regoin", "unknown key", "did you mean gke-kpo:region?")])

    monkeypatch.setattr("gke_kpo.config.parse.settings_of_stack", refused)
    assert deployer_main(["--node-account-of", "dev"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: Pulumi.dev.yaml: ") and "gke-kpo:regoin: unknown key. Fix: did you mean" in error


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        "{}",
        '{"bindings": 3}',
        '{"bindings": ["x"]}',
        '{"bindings": [{"role": 5, "members": []}]}',
        '{"bindings": [{"role": "r", "members": [], "condition": null}]}',
        '{"bindings": [{"role": "r", "members": [], "condition": {"expression": 5}}]}',
    ],
)
def test_an_iam_policy_on_stdin_that_is_not_one_is_refused_with_the_command_to_pipe(text: str) -> None:
    with pytest.raises(DeployerInputError, match="gcloud projects get-iam-policy <project> --format=json"):
        iam_policy(text)


def test_an_iam_policy_with_bindings_is_read() -> None:
    text = json.dumps({"bindings": [{"role": "roles/owner", "members": [DEPLOYER]}], "etag": "BwX="})
    assert deployer_conditions(iam_policy(text), DEPLOYER) == []


def test_a_path_given_as_stack_is_told_what_a_stack_name_is(capsys: pytest.CaptureFixture[str]) -> None:
    assert deployer_main(["--roles-for", "../etc/passwd"]) == 2
    error = capsys.readouterr().err
    assert "stack name '../etc/passwd': use letters, digits" in error and "make stack NAME=" not in error
