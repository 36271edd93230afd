from __future__ import annotations

from typing import Any

import pytest
import yaml

from gke_kpo.plan.inventory import golden_path, inventory_yaml
from gke_kpo.repo import REPO_ROOT, known_stacks, stack_file
from tests.stack.conftest import PlanFor
from tests.stacks import SHIPPED_STACKS, golden_stacks


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_have_a_stack_file_and_a_golden_inventory(stack: str) -> None:
    assert stack_file(stack).exists(), f"{stack_file(stack).name} is shipped and missing"
    assert golden_path(stack).exists(), f"{golden_path(stack)} is missing: run `make golden` and review it"


WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def _workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


@pytest.mark.parametrize("job", ["plan", "preview"])
def test_the_pull_request_matrix_is_the_shipped_stacks(job: str) -> None:
    matrix = _workflow("pull-request.yml")["jobs"][job]["strategy"]["matrix"]["stack"]
    assert tuple(matrix) == SHIPPED_STACKS, f"pull-request.yml {job}: set matrix.stack to {list(SHIPPED_STACKS)}"


def test_the_deploy_workflow_deploys_the_shipped_stacks() -> None:
    jobs = _workflow("deploy.yml")["jobs"].values()
    deployed = tuple(job["with"]["stack"] for job in jobs if job.get("uses", "").endswith("/pulumi-up.yml"))
    assert deployed == SHIPPED_STACKS, f"deploy.yml: one pulumi-up job per stack of {list(SHIPPED_STACKS)}"


@pytest.mark.parametrize("stack", golden_stacks())
def test_inventory_matches_the_reviewed_golden_file(stack: str, plan_for: PlanFor) -> None:
    golden = golden_path(stack)
    assert stack in known_stacks(), f"{golden} has no Pulumi.{stack}.yaml: delete it or restore the stack"
    assert inventory_yaml(plan_for(stack)) == golden.read_text(), (
        f"stack {stack} would now create something else than {golden.name} says; "
        "if that is intended, run `make golden` and commit the reviewed diff"
    )


def test_invalid_config_declares_nothing() -> None:
    from gke_kpo.preview.capture import ProgramError, run_program

    with pytest.raises(ProgramError) as caught:
        run_program("dev", {"gke-kpo:namespace": "Not_A_Label"})
    assert "gke-kpo:namespace" in str(caught.value)
    assert caught.value.plan.resources == []
