from __future__ import annotations

import pytest

from policies.kpo_policies.gpu import is_gpu_pool


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
