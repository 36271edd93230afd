from __future__ import annotations

import pytest

from policies.kpo_policies import gke_hardening
from policies.kpo_policies import resource_types as t
from policies.kpo_policies.gpu import is_gpu_pool

from .harness import run_policy
from .stacks import good_stack, mutated


@pytest.mark.parametrize(
    ("node_config", "gpu"),
    [
        ({"machineType": "g2-standard-8"}, True),
        ({"machineType": "a4x-highgpu-4g"}, True),
        ({"machineType": "n1-standard-4", "guestAccelerators": [{"type": "nvidia-tesla-t4", "count": 1}]}, True),
        ({"machineType": "n1-standard-4", "guestAccelerators": [{"type": "nvidia-tesla-t4", "count": 0}]}, False),
        ({"machineType": "e2-standard-4"}, False),
        ({}, False),
    ],
)
def test_a_gpu_pool_is_recognised_by_the_accelerator_table(node_config: dict[str, object], gpu: bool) -> None:
    assert is_gpu_pool({"nodeConfig": node_config}) is gpu


@pytest.mark.parametrize(("flex_start", "reported"), [(True, False), (False, True)])
def test_auto_repair_may_be_off_only_on_a_flex_start_pool(flex_start: bool, reported: bool) -> None:
    stack = mutated(good_stack(), t.NODE_POOL, "gpu", "management.autoRepair", False)
    stack = mutated(stack, t.NODE_POOL, "gpu", "nodeConfig.flexStart", flex_start)
    messages = run_policy(gke_hardening.POLICY, stack).messages
    assert any("auto-repair is off" in message for message in messages) is reported
