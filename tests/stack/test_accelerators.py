from __future__ import annotations

import pytest

from gke_kpo.cloud import accelerators, gpu_catalog
from gke_kpo.cloud.accelerators import ACCELERATORS, pairing_problem

ATTACHED = [(a.name, machine, count) for a in ACCELERATORS for machine, count in a.attached.items()]
N1 = [(a.name, count) for a in ACCELERATORS for count in a.n1_max_vcpus]


def test_every_accelerator_is_paired_one_way_only() -> None:
    assert all(bool(a.attached) != bool(a.n1_max_vcpus) for a in ACCELERATORS)
    assert len({a.name for a in ACCELERATORS}) == len(ACCELERATORS)


@pytest.mark.parametrize(("accelerator", "machine_type", "count"), ATTACHED)
def test_each_attached_machine_type_passes_with_its_own_count_only(
    accelerator: str, machine_type: str, count: int
) -> None:
    assert pairing_problem(accelerator, machine_type, count) is None
    wrong = pairing_problem(accelerator, machine_type, count + 1)
    assert wrong is not None and wrong.field == "count"


@pytest.mark.parametrize(("accelerator", "count"), N1)
def test_each_n1_count_passes_up_to_its_vcpu_bound(accelerator: str, count: int) -> None:
    most = accelerators.BY_NAME[accelerator].n1_max_vcpus[count]
    assert pairing_problem(accelerator, f"n1-custom-{most}-{most * 3840}", count) is None
    too_big = pairing_problem(accelerator, f"n1-custom-{most + 2}-{(most + 2) * 3840}", count)
    assert too_big is not None and too_big.field == "machine_type"


@pytest.mark.parametrize(
    ("accelerator", "machine_type", "count", "field", "says"),
    [
        ("nvidia-l4-gpu", "g2-standard-8", 1, "accelerator", "not a GKE accelerator type"),
        ("nvidia-l4", "n1-standard-8", 1, "machine_type", "cannot carry nvidia-l4"),
        ("nvidia-tesla-t4", "g2-standard-8", 1, "machine_type", "g2-standard-8 carries nvidia-l4"),
        ("nvidia-tesla-t4", "n2-standard-8", 1, "machine_type", "only to N1"),
        ("nvidia-l4", "g2-standard-8", 2, "count", "exactly 1 nvidia-l4"),
        ("nvidia-tesla-v100", "n1-standard-8", 3, "count", "counts of 1, 2, 4, 8"),
        ("nvidia-tesla-v100", "n1-standard-16", 1, "machine_type", "more than the 12"),
    ],
)
def test_refused_pairings_name_the_wrong_part(
    accelerator: str, machine_type: str, count: int, field: str, says: str
) -> None:
    problem = pairing_problem(accelerator, machine_type, count)
    assert problem is not None and problem.field == field and says in problem.message


@pytest.mark.parametrize(("typo", "meant"), [("nvidia-l4-gpu", "nvidia-l4"), ("nvidia-t4", "nvidia-tesla-t4"),
                                             ("nvidia-h100", "nvidia-h100-80gb"),
                                             ("nvidia-tesla-l4", "nvidia-l4")])  # fmt: skip
def test_an_unknown_name_suggests_the_nearest_known_one(typo: str, meant: str) -> None:
    problem = pairing_problem(typo, "n1-standard-4", 1)
    assert problem is not None and problem.fix == f"use {meant}"


def test_the_fix_for_a_count_names_the_machine_type_with_that_count() -> None:
    problem = pairing_problem("nvidia-l4", "g2-standard-8", 4)
    assert problem is not None and "g2-standard-48" in problem.fix


@pytest.mark.parametrize(
    ("machine_type", "vcpus"),
    [("n1-standard-4", 4), ("n1-highmem-96", 96), ("n1-custom-6-23040", 6), ("e2-standard-4", None)],
)
def test_n1_vcpus(machine_type: str, vcpus: int | None) -> None:
    assert accelerators.n1_vcpus(machine_type) == vcpus


@pytest.mark.parametrize(("machine_type", "gpu"), [("g2-standard-4", True), ("a4x-highgpu-4g", True),
                                                  ("a3-megagpu-8g", True), ("n1-standard-4", False),
                                                  ("e2-standard-4", False)])  # fmt: skip
def test_gpu_machine_families_come_from_the_table(machine_type: str, gpu: bool) -> None:
    assert accelerators.is_gpu_machine_type(machine_type) is gpu


def test_a_misspelt_carrier_machine_type_is_answered_with_the_nearest_one() -> None:
    problem = accelerators.pairing_problem("nvidia-l4", "g2-standrd-8", 1)
    assert problem is not None and problem.fix.startswith("did you mean g2-standard-8? ")


def test_every_n1_machine_type_the_price_catalog_lists_is_a_predefined_n1_type() -> None:
    listed = {machine for machine, _region in gpu_catalog.machine_rows() if machine.startswith("n1-")}
    assert listed and listed <= set(accelerators.N1_PREDEFINED)


@pytest.mark.parametrize(
    ("machine_type", "nearest"), [("n1-standard-7", "n1-standard-8"), ("n1-hghmem-8", "n1-highmem-8")]
)
def test_a_name_of_the_n1_series_that_is_no_n1_type_gets_the_nearest(machine_type: str, nearest: str) -> None:
    problem = pairing_problem("nvidia-tesla-t4", machine_type, 1)
    assert problem is not None and problem.message == f"{machine_type!r} is no N1 machine type"
    assert problem.fix.startswith(f"did you mean {nearest}? ")


def test_custom_n1_types_are_still_judged_by_their_vcpus() -> None:
    assert pairing_problem("nvidia-tesla-t4", "n1-custom-4-16384", 1) is None
