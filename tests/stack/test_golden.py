from __future__ import annotations

import pytest

from gke_kpo.plan.capture import known_stacks
from gke_kpo.plan.inventory import golden_path, inventory_yaml
from tests.stack.conftest import PlanFor


@pytest.mark.parametrize("stack", known_stacks())
def test_inventory_matches_the_reviewed_golden_file(stack: str, plan_for: PlanFor) -> None:
    golden = golden_path(stack)
    assert golden.exists(), f"{golden} is missing: run `make golden` and review it"
    assert inventory_yaml(plan_for(stack)) == golden.read_text(), (
        f"stack {stack} would now create something else than {golden.name} says; "
        "if that is intended, run `make golden` and commit the reviewed diff"
    )


def test_invalid_config_declares_nothing() -> None:
    from gke_kpo.plan.capture import ProgramError, run_program

    with pytest.raises(ProgramError) as caught:
        run_program("dev", {"gke-kpo:namespace": "Not_A_Label"})
    assert "gke-kpo:namespace" in str(caught.value)
    assert caught.value.plan.resources == []
