"""Pool sizes are what the user means: totals over the pool's zones, in the config, the plan and the cost guard."""

from __future__ import annotations

from typing import Any

import pytest

from gke_kpo.cloud import gke
from gke_kpo.cloud.replacement import NODE_POOL
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.problems import ConfigError
from gke_kpo.plan.summary import key_inputs, pool_size, size_change
from tests.stack.conftest import PlanFor
from tests.stack.test_tenant_settings import BASE, astro, settings_for

REGIONAL_GPU = {"gpu_count": "1", "gpu_max_nodes": "2", "region": "europe-west4"}


def gpu_pool(plan_for: PlanFor, stack: str, **overrides: Any) -> dict[str, Any]:
    (pool,) = [p.inputs for p in plan_for(stack, **overrides).of_type(NODE_POOL) if p.inputs["name"] == "gpu"]
    return pool


def test_a_regional_gpu_pool_is_capped_at_gpu_max_nodes_in_total(plan_for: PlanFor) -> None:
    """prod is regional (3 zones) without gpu_node_locations: 0..2 must mean 2 nodes, not 6."""
    pool = gpu_pool(plan_for, "prod")
    assert pool["location"] == "europe-west4" and not pool.get("nodeLocations")
    assert pool["autoscaling"] == {"totalMinNodeCount": 0, "totalMaxNodeCount": 2, "locationPolicy": gke.ANY}
    assert key_inputs(NODE_POOL, pool).startswith("0..2 nodes total, at most 2 x nvidia-l4, g2-standard-8")


def test_a_tenant_gpu_quota_is_judged_against_the_total_not_three_zones() -> None:
    """Before: capacity 1 GPU x 2 nodes x 3 zones = 6, so a quota of 3 passed and could never be met."""
    with pytest.raises(ConfigError) as caught:
        settings_for({"a1": astro("a1", quota_gpus=3)}, **REGIONAL_GPU)
    assert "more than the GPU pool can ever hold (2)" in str(caught.value)
    assert settings_for({"a1": astro("a1", quota_gpus=2)}, **REGIONAL_GPU).tenants[0].namespace.quota_gpus == 2


@pytest.mark.parametrize(
    ("location", "node_locations", "zones"),
    [("us-central1-a", 0, 1), ("europe-west4", 0, 3), ("europe-west4", 2, 2), ("us-central1-a", 2, 2)],
)
def test_the_zones_a_per_zone_figure_is_multiplied_by(location: str, node_locations: int, zones: int) -> None:
    assert gke.pool_zone_count(location, node_locations) == zones


def test_a_deployed_per_zone_pool_shows_its_effective_size_and_the_change() -> None:
    """The golden inventories of deployed stacks hold per-zone bounds: the plan says what they meant."""
    old = {"location": "europe-west4", "autoscaling": {"minNodeCount": 1, "maxNodeCount": 3}}
    new = {"location": "europe-west4", "autoscaling": {"totalMinNodeCount": 1, "totalMaxNodeCount": 3}}
    assert str(pool_size(old)) == "1..3 per zone x 3 zones = 3..9 nodes"
    assert size_change(old, new) == "pool size: 1..3 per zone x 3 zones = 3..9 nodes -> 1..3 nodes total"
    zonal = {**old, "location": "europe-west4-a"}
    assert size_change(zonal, {**new, "location": "europe-west4-a"}) == "", "one zone: the same nodes either way"


def test_a_regional_system_pool_needs_room_for_a_node_per_zone() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings({**BASE, "tenants": '{"a1": {"identity_mode": "gke"}}', "system_max_nodes": "2"}, "test")
    assert caught.value.keys == ["system_max_nodes"]
    zonal = {**BASE, "tenants": '{"a1": {"identity_mode": "gke"}}', "system_max_nodes": "1", "zone": "us-central1-a"}
    assert parse_settings(zonal, "test").system_pool.max_nodes == 1
