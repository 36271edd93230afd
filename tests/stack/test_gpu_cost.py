"""GPU cost: each pool priced from the dated catalog, the plan's lines, gpu_max_hourly_usd and gpu-cost-guard's
maxHourlyUsd held against the ceiling. Expected figures are derived from the catalog, never typed in."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from gke_kpo.cloud import accelerators, gpu_catalog
from gke_kpo.cloud.gpu_cost import PoolShape, pool_cost, stack_ceiling, stack_idle
from gke_kpo.config.gpu_cost import pool_costs
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.problems import ConfigError
from gke_kpo.config.settings import Settings
from gke_kpo.repo import REPO_ROOT
from policies.kpo_policies import gpu_cost_guard
from policies.kpo_policies import resource_types as types
from tests.policies.harness import run_policy
from tests.policies.stacks import Resource

from .test_gpu_pools import ASTRO, PROJECT

REGION = "us-central1"
L4 = {"accelerator": "nvidia-l4", "machine_type": "g2-standard-8", "node_locations": ["us-central1-a"]}
T4 = {"accelerator": "nvidia-tesla-t4", "machine_type": "n1-standard-4", "node_locations": ["us-central1-a"]}
POOLS: dict[str, Any] = {
    "l4": {**L4, "max_nodes": 3},
    "l4-spot": {**L4, "capacity": "spot", "max_nodes": 4, "fallback": "l4"},
    "l4-flex": {**L4, "capacity": "flex-start", "max_nodes": 2},
    "t4": {**T4, "min_nodes": 1, "max_nodes": 2},
}


def _raw(pools: dict[str, Any], **stack: str) -> dict[str, str]:
    return {
        "project": PROJECT,
        "region": REGION,
        "control_plane_access": "dns",
        "tenants": json.dumps({"ml": ASTRO}),
        "gpu_pools": json.dumps(pools),
        **stack,
    }


def _settings(pools: dict[str, Any], **stack: str) -> Settings:
    return parse_settings(_raw(pools, **stack), "test")


def test_every_machine_price_is_a_price() -> None:
    rows = gpu_catalog.machine_rows()
    assert rows and all(price.on_demand > 0 and (price.spot is None or price.spot > 0) for price in rows.values())


def _node(machine: str, accelerator: str, gpus: int, spot: bool = False) -> float:
    machine_price, gpu_price = gpu_catalog.machine_price(machine, REGION), gpu_catalog.gpu_price(accelerator, REGION)
    assert machine_price is not None and gpu_price is not None, "the catalog lost a row these tests price"
    rates = [(machine_price.spot, gpu_price.spot)] if spot else [(machine_price.on_demand, gpu_price.on_demand)]
    (machine_rate, gpu_rate) = rates[0]
    assert machine_rate is not None and gpu_rate is not None
    return machine_rate + gpus * gpu_rate


def test_each_capacity_is_priced_at_its_own_rate() -> None:
    costs = {cost.shape.name: cost for cost in pool_costs(_settings(POOLS))}
    on_demand, spot = _node("g2-standard-8", "nvidia-l4", 1), _node("g2-standard-8", "nvidia-l4", 1, spot=True)
    assert costs["l4"].node_usd == pytest.approx(on_demand)
    assert costs["l4-spot"].node_usd == pytest.approx(spot) and spot < on_demand
    assert costs["l4-flex"].node_usd == pytest.approx(on_demand)  # an upper bound: flex-start is not in the catalog
    t4, t4_node = costs["t4"], _node("n1-standard-4", "nvidia-tesla-t4", 1)
    assert (t4.node_usd, t4.idle_usd, t4.ceiling_usd) == pytest.approx((t4_node, t4_node, 2 * t4_node))


def test_a_stack_above_its_hourly_ceiling_is_refused_with_the_figure_to_raise_it_to() -> None:
    ceiling = stack_ceiling(pool_costs(_settings(POOLS)))
    assert ceiling is not None
    with pytest.raises(ConfigError) as caught:
        _settings(POOLS, gpu_max_hourly_usd=str(math.floor(ceiling)))
    (problem,) = [p for p in caught.value.problems if p.key == "gpu_max_hourly_usd"]
    assert f"cost up to {ceiling:.2f} USD/h" in problem.message
    assert f"raise gpu_max_hourly_usd to at least {math.ceil(ceiling)}" in problem.fix
    assert _settings(POOLS, gpu_max_hourly_usd=str(math.ceil(ceiling))).gpu_max_hourly_usd == math.ceil(ceiling)


def test_a_ceiling_below_the_idle_cost_says_so_and_points_at_min_nodes() -> None:
    busy = {"l4": {**L4, "min_nodes": 3, "max_nodes": 4}}
    idle = stack_idle(pool_costs(_settings(busy)))
    assert idle is not None and math.floor(idle) >= 1, "keep the idle cost above 1 USD/h (the key is whole dollars)"
    with pytest.raises(ConfigError) as caught:
        _settings(busy, gpu_max_hourly_usd=str(math.floor(idle)))
    (problem,) = [p for p in caught.value.problems if p.key == "gpu_max_hourly_usd"]
    assert f"even idle: {idle:.2f} USD/h at min_nodes" in problem.message and "min_nodes" in problem.fix


def test_a_ceiling_the_catalog_cannot_price_is_refused_not_passed() -> None:
    unpriced = {"t4": {**T4, "machine_type": "n1-highmem-8"}}
    assert gpu_catalog.machine_price("n1-highmem-8", REGION) is None
    with pytest.raises(ConfigError) as caught:
        _settings(unpriced, gpu_max_hourly_usd="100")
    (problem,) = caught.value.problems
    assert problem.key == "gpu_max_hourly_usd" and "cannot be checked" in problem.message
    assert _settings(unpriced).gpu_pools  # no ceiling set: the stack is fine, its cost just unknown


UNPRICED_MACHINES = {"a3-edgegpu-8g", "a4-highgpu-8g", "a4x-highgpu-4g"} | {
    machine for machine in accelerators.BY_NAME["nvidia-rtx-pro-6000"].attached
}
"""GPU machine types with no price row (gpu_catalog.py says why); every other one is priced somewhere."""


def test_every_gpu_machine_is_priced_wherever_its_machine_and_gpu_rows_exist() -> None:
    rows = gpu_catalog.machine_rows()
    priced_machines = {machine for machine, _ in rows}
    for accelerator, spec in accelerators.BY_NAME.items():
        for machine, gpus in spec.attached.items():
            assert (machine in priced_machines) != (machine in UNPRICED_MACHINES), machine
            for region in gpu_catalog.regions_offering(accelerator):
                shape = PoolShape("p", machine, accelerator, gpus, region, "on-demand", 0, 1)
                expected = (machine, region) in rows
                assert (pool_cost(shape).node_usd is not None) == expected, (machine, region)


def _pool_resource(name: str, shape: dict[str, Any]) -> Resource:
    inputs = {
        "name": name,
        "location": REGION,
        "autoscaling": {"totalMinNodeCount": 0, "totalMaxNodeCount": shape["max_nodes"]},
        "nodeConfig": {
            "machineType": shape["machine_type"],
            "guestAccelerators": [{"type": shape["accelerator"], "count": 1}],
            "spot": shape.get("capacity") == "spot",
            "taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}],
        },
        "initialNodeCount": 0,
    }
    return Resource(types.NODE_POOL, name, inputs)


def test_gpu_cost_guard_judges_the_stack_total_against_max_hourly_usd() -> None:
    pools = {name: POOLS[name] for name in ("l4", "l4-spot")}
    resources = [_pool_resource(name, shape) for name, shape in pools.items()]
    ceiling = stack_ceiling(pool_costs(_settings(pools)))
    assert ceiling is not None

    def judged(limit: float) -> list[str]:
        return run_policy(gpu_cost_guard.POLICY, resources, {"maxGpuNodes": 8, "maxHourlyUsd": limit}).messages

    (above,) = judged(math.floor(ceiling))
    assert f"cost up to {ceiling:.2f} USD/h" in above and "maxHourlyUsd" in above
    assert judged(math.ceil(ceiling)) == [] and judged(0) == []
    unpriced = [_pool_resource("hm", {**T4, "machine_type": "n1-highmem-8", "max_nodes": 1})]
    (unknown,) = run_policy(gpu_cost_guard.POLICY, unpriced, {"maxHourlyUsd": 100}).messages
    assert "cannot be judged" in unknown


def test_the_readme_example_is_what_the_plan_prints_for_its_pools() -> None:
    shapes = [("t4", "on-demand", 2), ("t4-spot", "spot", 3)]
    costs = [pool_cost(PoolShape(n, "n1-standard-4", "nvidia-tesla-t4", 1, REGION, c, 0, m)) for n, c, m in shapes]
    readme = (REPO_ROOT / "README.md").read_text()
    assert f"all GPU pools idle 0.00, at most {stack_ceiling(costs):.2f} USD/h" in readme
    assert all(f"  {cost.line()}\n" in readme for cost in costs)
