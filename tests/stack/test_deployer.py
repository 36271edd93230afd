from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.cloud import deployer_roles as deployer
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.values import as_cli_string
from gke_kpo.repo import REPO_ROOT


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
