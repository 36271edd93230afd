"""A region with the right shape but unknown to Google Cloud is named as the likely mistake, never silently used."""

from __future__ import annotations

import json

import pytest

from gke_kpo.cloud import gpu_catalog
from gke_kpo.cloud.regions import KNOWN_REGIONS, READ_ON, REGIONS_FILE_SHOWN, unknown_region
from gke_kpo.config.parse import parse_settings, settings_of_stack
from gke_kpo.repo import SHIPPED_STACKS
from tests.stack.test_settings import VALID, problems_for


def test_every_region_the_gpu_and_price_catalogs_name_is_a_known_region() -> None:
    accelerators = json.loads(gpu_catalog.GPU_FILE.read_text())["accelerators"]
    catalog_regions = {region for accelerator in accelerators for region in gpu_catalog.regions_offering(accelerator)}
    price_regions = {region for _machine, region in gpu_catalog.machine_rows()}
    assert catalog_regions and price_regions
    assert (catalog_regions | price_regions) - KNOWN_REGIONS == set()


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_use_known_regions(stack: str) -> None:
    settings = settings_of_stack(stack)
    assert unknown_region(settings.region) is None
    assert not [warning for warning in settings.warnings if "gke-kpo:region" in warning]


def test_a_typo_names_the_list_its_date_and_the_nearest_region() -> None:
    note = unknown_region("us-centrall1")
    assert note is not None
    assert REGIONS_FILE_SHOWN in note and READ_ON in note and "the nearest being us-central1" in note


def test_a_zone_outside_an_unknown_region_points_at_the_region_first() -> None:
    error = str(problems_for(region="us-centrall1", zone="us-central1-a"))
    assert (
        "gke-kpo:zone" in error
        and "gke-kpo:region may be the mistake" in error
        and "nearest being us-central1" in error
    )


def test_a_zone_outside_a_known_region_suggests_a_zone_of_it() -> None:
    error = str(problems_for(region="europe-west4", zone="us-central1-a"))
    assert "use a zone of europe-west4 such as europe-west4-a" in error and "may be the mistake" not in error


def test_an_unknown_region_alone_is_a_warning_not_a_refusal() -> None:
    settings = parse_settings({**VALID, "region": "us-central9"}, "test")
    assert settings.region == "us-central9"
    assert [warning for warning in settings.warnings if warning.startswith("gke-kpo:region: 'us-central9'")]


def test_a_zone_letter_the_catalog_never_lists_is_a_warning_naming_the_listed_ones() -> None:
    settings = parse_settings({**VALID, "region": "us-central1", "zone": "us-central1-z"}, "test")
    (warning,) = [warning for warning in settings.warnings if warning.startswith("gke-kpo:zone:")]
    assert "is offered in us-central1-z, which it lists for us-central1: us-central1-a" in warning


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_use_listed_zones(stack: str) -> None:
    assert not [warning for warning in settings_of_stack(stack).warnings if warning.startswith("gke-kpo:zone:")]
