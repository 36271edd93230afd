"""A GPU pool goes only where its accelerator is offered: derived for every accelerator and region of the catalog."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gke_kpo.cloud import accelerators, gpu_catalog, names
from gke_kpo.cloud.gke import REGIONAL_DEFAULT_ZONES
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.problems import ConfigError

from .test_gpu_pools import ASTRO, PROJECT

ZONE_LETTERS = "abcdf"
CATALOG = [
    (accelerator, region, gpu_catalog.zones_offering(accelerator, region))
    for accelerator in accelerators.BY_NAME
    for region in gpu_catalog.regions_offering(accelerator)
]


def _pool(accelerator: str) -> dict[str, Any]:
    """A machine that carries (or takes) the accelerator: zones are the only thing under test."""
    spec = accelerators.BY_NAME[accelerator]
    if spec.attached:
        machine, count = next(iter(spec.attached.items()))
        return {"accelerator": accelerator, "machine_type": machine, "count": count}
    return {"accelerator": accelerator, "machine_type": "n1-standard-4", "count": 1}


def _problems(pool: dict[str, Any], **stack: str) -> dict[str, str]:
    raw = {
        "project": PROJECT,
        "control_plane_access": "dns",
        "tenants": json.dumps({"ml": ASTRO}),
        "gpu_pools": json.dumps({"gpu": pool}),
        **stack,
    }
    try:
        parse_settings(raw, "test")
    except ConfigError as error:
        return {problem.key: f"{problem.message} Fix: {problem.fix}" for problem in error.problems}
    return {}


def test_the_catalog_names_known_accelerators_real_zones_and_prices() -> None:
    assert CATALOG, "the catalog is empty"
    for accelerator, region, zones in CATALOG:
        assert accelerator in accelerators.BY_NAME
        assert zones and all(names.zone_problem(zone, region) is None for zone in zones), (accelerator, region)
        price = gpu_catalog.gpu_price(accelerator, region)
        assert price is not None and price.on_demand > 0
    source = json.loads(gpu_catalog.GPU_FILE.read_text())["source"]
    assert gpu_catalog.read_on() and source["repository"] and len(source["commit"]) == 40


@pytest.mark.parametrize(("accelerator", "region", "zones"), CATALOG, ids=lambda v: str(v))
def test_a_pool_in_the_zones_that_offer_it_is_accepted(accelerator: str, region: str, zones: tuple[str, ...]) -> None:
    pool = {**_pool(accelerator), "node_locations": list(zones)}
    assert _problems(pool, region=region) == {}
    assert _problems(_pool(accelerator), region=region, zone=zones[0]) == {}


@pytest.mark.parametrize(("accelerator", "region", "zones"), CATALOG, ids=lambda v: str(v))
def test_a_zone_without_the_accelerator_is_named_with_the_zones_that_have_it(
    accelerator: str, region: str, zones: tuple[str, ...]
) -> None:
    others = [f"{region}-{letter}" for letter in ZONE_LETTERS if f"{region}-{letter}" not in zones]
    pool = {**_pool(accelerator), "node_locations": [others[0]]}
    problem = _problems(pool, region=region)["gpu_pools.gpu.node_locations"]
    assert others[0] in problem and json.dumps(list(zones)) in problem
    zonal = _problems(_pool(accelerator), region=region, zone=others[0])["gpu_pools.gpu.node_locations"]
    assert f"the cluster's zone {others[0]}" in zonal


@pytest.mark.parametrize(("accelerator", "region", "zones"), CATALOG, ids=lambda v: str(v))
def test_a_regional_pool_without_zones_needs_three_that_offer_it(
    accelerator: str, region: str, zones: tuple[str, ...]
) -> None:
    problems = _problems(_pool(accelerator), region=region)
    if len(zones) >= REGIONAL_DEFAULT_ZONES:
        assert problems == {}
    else:
        assert f"only {len(zones)} offer {accelerator}" in problems["gpu_pools.gpu.node_locations"]


@pytest.mark.parametrize("accelerator", sorted({row[0] for row in CATALOG}))
def test_a_region_without_the_accelerator_names_the_regions_that_have_it(accelerator: str) -> None:
    region = "africa-south1"
    assert not gpu_catalog.zones_offering(accelerator, region)
    problem = _problems(_pool(accelerator), region=region)["gpu_pools.gpu.accelerator"]
    assert f"offered in no zone of {region}" in problem
    assert ", ".join(gpu_catalog.regions_offering(accelerator)) in problem


def test_an_accelerator_the_catalog_lacks_is_not_refused_for_its_zones() -> None:
    missing = sorted(set(accelerators.BY_NAME) - {row[0] for row in CATALOG})
    assert missing, "every accelerator is in the catalog: drop this test"
    for accelerator in missing:
        problems = _problems(_pool(accelerator), region="us-central1")
        assert not any("offer" in text for text in problems.values()), (accelerator, problems)


def test_the_legacy_keys_name_their_own_key() -> None:
    raw = {
        "project": PROJECT,
        "region": "europe-west4",
        "control_plane_access": "dns",
        "tenants": json.dumps({"ml": ASTRO}),
        "gpu_count": "1",
        "gpu_accelerator": "nvidia-tesla-t4",
        "gpu_machine_type": "n1-standard-4",
        "gpu_node_locations": json.dumps(["europe-west4-d"]),
    }
    with pytest.raises(ConfigError) as caught:
        parse_settings(raw, "test")
    keys = {problem.key for problem in caught.value.problems}
    assert "gpu_node_locations" in keys


def test_a_mistyped_cluster_zone_is_one_problem_not_also_the_pools_zone() -> None:
    problems = _problems(_pool("nvidia-l4"), region="us-central1", zone="us-centrl1-a")
    assert list(problems) == ["zone"]


def test_a_cluster_zone_no_gpu_is_listed_in_points_the_pool_error_at_the_zone_key() -> None:
    problems = _problems(_pool("nvidia-l4"), region="us-central1", zone="us-central1-z")
    assert (
        "so gke-kpo:zone may be mistyped Fix: correct gke-kpo:zone, or set" in problems["gpu_pools.gpu.node_locations"]
    )
