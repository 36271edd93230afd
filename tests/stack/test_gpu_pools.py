"""gke-kpo:gpu_pools: several pools, capacity modes, the legacy keys as pool `gpu`, and every bad value named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.cloud import gpu_capacity
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.problems import ConfigError
from gke_kpo.config.settings import Capacity, Settings
from gke_kpo.contract import outputs
from gke_kpo.preview.capture import Plan, run_program
from gke_kpo.repo import REPO_ROOT
from tests.conftest import PlanFor
from tests.stack.test_deployer_coverage import assert_covered, settings_of

PROJECT = "acme-data-dev"
ASTRO = {"airflow_service_account": f"astro-ml@{PROJECT}.iam.gserviceaccount.com", "quota_gpus": 1}
BASE = {"project": PROJECT, "zone": "us-central1-a", "control_plane_access": "dns"}
T4: dict[str, Any] = {"accelerator": "nvidia-tesla-t4", "machine_type": "n1-standard-4"}
POOLS: dict[str, Any] = {
    "t4-spot": {**T4, "capacity": "spot", "fallback": "t4", "max_nodes": 2},
    "t4": {**T4, "max_nodes": 1},
    "l4-flex": {"accelerator": "nvidia-l4", "machine_type": "g2-standard-8", "capacity": "flex-start",
                "max_run_duration_hours": 24},
    "l4-shared": {"accelerator": "nvidia-l4", "machine_type": "g2-standard-8", "image_streaming": True,
                  "sharing": {"strategy": "time-sharing", "clients_per_gpu": 4}},
    "a100-res": {"accelerator": "nvidia-tesla-a100", "machine_type": "a2-highgpu-1g", "capacity": "reservation",
                 "reservation": {"name": "a100-block", "project": "acme-shared"}},
}  # fmt: skip


def settings_for(pools: dict[str, Any] | None, tenant: dict[str, Any] | None = None, **stack: str) -> Settings:
    raw = {**BASE, **stack, "tenants": json.dumps({"ml": {**ASTRO, **(tenant or {})}})}
    if pools is not None:
        raw["gpu_pools"] = json.dumps(pools)
    return parse_settings(raw, "test")


def problems_for(pools: dict[str, Any] | None, tenant: dict[str, Any] | None = None, **stack: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        settings_for(pools, tenant, **stack)
    return {problem.key: f"{problem.message} Fix: {problem.fix}" for problem in caught.value.problems}


def test_every_declared_pool_becomes_settings_with_its_capacity_mode() -> None:
    settings = settings_for(POOLS)
    by_name = {pool.name: pool for pool in settings.gpu_pools}
    assert {name: pool.capacity for name, pool in by_name.items()} == {
        "t4-spot": Capacity.SPOT,
        "t4": Capacity.ON_DEMAND,
        "l4-flex": Capacity.FLEX_START,
        "l4-shared": Capacity.ON_DEMAND,
        "a100-res": Capacity.RESERVATION,
    }
    assert by_name["l4-shared"].schedulable_gpus_per_node == 4
    assert by_name["a100-res"].count == 1  # what a2-highgpu-1g carries
    (tenant,) = settings.tenants
    assert tenant.gpu_pools == tuple(POOLS)


def test_the_legacy_keys_are_one_pool_named_gpu() -> None:
    (pool,) = settings_for(None, gpu_count="1", gpu_spot="true", gpu_max_nodes="3").gpu_pools
    assert (pool.name, pool.capacity, pool.max_nodes, pool.accelerator) == ("gpu", Capacity.SPOT, 3, "nvidia-tesla-t4")


def test_a_tenant_restricted_to_a_subset_may_use_only_those() -> None:
    settings = settings_for(POOLS, {"gpu_pools": ["t4", "l4-flex"]})
    assert settings.tenants[0].gpu_pools == ("t4", "l4-flex")


BAD_INPUT = [
    ("flex-start with a minimum", {"f": {**T4, "capacity": "flex-start", "min_nodes": 1}}, None,
     "gpu_pools.f.min_nodes", "flex-start nodes are only created on demand"),
    ("reservation without a name", {"r": {**T4, "capacity": "reservation", "reservation": {"project": "p-1234"}}},
     None, "gpu_pools.r.reservation.name", "is required"),
    ("reservation without the block", {"r": {**T4, "capacity": "reservation"}}, None,
     "gpu_pools.r.reservation", "is required with capacity reservation"),
    ("spot plus reservation", {"s": {**T4, "capacity": "spot", "reservation": {"name": "x"}}}, None,
     "gpu_pools.s.reservation", "only used with capacity reservation, not spot"),
    ("tenant restricted to a missing pool", {"t4": T4}, {"gpu_pools": ["l4"]},
     "tenants.ml.gpu_pools", "'l4', which is not a GPU pool"),
    ("fallback to a missing pool", {"s": {**T4, "capacity": "spot", "fallback": "od"}}, None,
     "gpu_pools.s.fallback", "not a GPU pool"),
    ("fallback to another GPU", {"s": {**T4, "capacity": "spot", "fallback": "l4"},
                                  "l4": {"accelerator": "nvidia-l4", "machine_type": "g2-standard-8"}}, None,
     "gpu_pools.s.fallback", "differ from this pool's"),
    ("fallback to a spot pool", {"s": {**T4, "capacity": "spot", "fallback": "s2"}, "s2": {**T4, "capacity": "spot"}},
     None, "gpu_pools.s.fallback", "a spot pool"),
    ("fallback on an on-demand pool", {"o": {**T4, "fallback": "p"}, "p": T4}, None,
     "gpu_pools.o.fallback", "only used with capacity spot"),
    ("two spot pools on one fallback", {"a": {**T4, "capacity": "spot", "fallback": "od"},
                                         "b": {**T4, "capacity": "spot", "fallback": "od"}, "od": T4}, None,
     "gpu_pools.b.fallback", "already a's fallback"),
    ("run duration beyond seven days", {"f": {**T4, "capacity": "flex-start", "max_run_duration_hours": 200}}, None,
     "gpu_pools.f.max_run_duration_hours", "above GKE's limit of 168"),
    ("unknown capacity", {"p": {**T4, "capacity": "preemptible"}}, None, "gpu_pools.p.capacity", "is not one of"),
    ("too many sharing clients", {"p": {**T4, "sharing": {"strategy": "mps", "clients_per_gpu": 49}}}, None,
     "gpu_pools.p.sharing.clients_per_gpu", "must be 2 to 48"),
    ("unknown pool field", {"p": {**T4, "acclerator_count": 1}}, None, "gpu_pools.p.acclerator_count",
     "is not a GPU pool field"),
    ("pool named like the system pool", {"system": T4}, None, "gpu_pools.system", "system pool"),
    ("pool name GKE refuses", {"GPU_1": T4}, None, "gpu_pools.GPU_1", "not a GKE node pool name"),
    ("machine type that cannot carry the GPU", {"p": {"accelerator": "nvidia-l4", "machine_type": "n1-standard-4"}},
     None, "gpu_pools.p.machine_type", "cannot carry nvidia-l4"),
    ("pools and a legacy pool together", {"t4": T4}, None, "gpu_count", "declare GPU pools in one place"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "pools", "tenant", "key", "reason"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_pool_input_is_named_at_its_key(
    case: str, pools: dict[str, Any], tenant: dict[str, Any] | None, key: str, reason: str
) -> None:
    stack = {"gpu_count": "1"} if case == "pools and a legacy pool together" else {}
    problems = problems_for(pools, tenant, **stack)
    assert key in problems, problems
    assert reason in problems[key]
    assert "Fix: " in problems[key] and not problems[key].endswith("Fix: ")


def _pool_inputs(plan: Plan, name: str) -> dict[str, Any]:
    (pool,) = [
        r.inputs for r in plan.resources if r.type == "gcp:container/nodePool:NodePool" and r.inputs["name"] == name
    ]
    return pool


def dev_file_with_pools(pools: dict[str, Any], folder: Path) -> Path:
    """The dev stack file with its gpu_* keys moved out and ``pools`` in (as a user would edit it)."""
    config = yaml.safe_load((REPO_ROOT / "Pulumi.dev.yaml").read_text())["config"]
    config = {key: value for key, value in config.items() if not key.startswith("gke-kpo:gpu_")}
    path = folder / "Pulumi.dev.yaml"
    path.write_text(yaml.safe_dump({"config": {**config, "gke-kpo:gpu_pools": pools}}))
    return path


def dev_with_pools(pools: dict[str, Any], folder: Path) -> Plan:
    return run_program("dev", path=dev_file_with_pools(pools, folder))


@pytest.fixture(scope="module")
def pools_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return dev_with_pools(POOLS, tmp_path_factory.mktemp("pools"))


def test_each_pool_declares_its_capacity_mode_as_gke_documents_it(pools_plan: Plan) -> None:
    spot, flex, reserved = (_pool_inputs(pools_plan, name)["nodeConfig"] for name in ("t4-spot", "l4-flex", "a100-res"))
    assert spot["spot"] is True and "flexStart" not in spot
    assert flex["flexStart"] is True and flex["maxRunDuration"] == "86400s"
    assert flex["reservationAffinity"] == {"consumeReservationType": "NO_RESERVATION"}
    assert _pool_inputs(pools_plan, "l4-flex")["management"]["autoRepair"] is False
    assert reserved["reservationAffinity"] == {
        "consumeReservationType": "SPECIFIC_RESERVATION",
        "key": gpu_capacity.RESERVATION_KEY,
        "values": ["projects/acme-shared/reservations/a100-block"],
    }
    shared = _pool_inputs(pools_plan, "l4-shared")["nodeConfig"]
    assert shared["gcfsConfig"] == {"enabled": True}
    assert shared["guestAccelerators"][0]["gpuSharingConfig"] == {
        "gpuSharingStrategy": "TIME_SHARING",
        "maxSharedClientsPerGpu": 4,
    }


def test_a_spot_pool_and_its_fallback_form_one_compute_class(pools_plan: Plan) -> None:
    name = gpu_capacity.compute_class_name("t4-spot")
    for pool in ("t4-spot", "t4"):
        node = _pool_inputs(pools_plan, pool)["nodeConfig"]
        assert node["labels"][gpu_capacity.COMPUTE_CLASS_LABEL] == name
        assert {"key": gpu_capacity.COMPUTE_CLASS_LABEL, "value": name, "effect": "NO_SCHEDULE"} in node["taints"]
    (compute_class,) = [r.inputs for r in pools_plan.resources if r.inputs.get("kind") == "ComputeClass"]
    assert compute_class["spec"]["priorities"] == [{"nodepools": ["t4-spot"]}, {"nodepools": ["t4"]}]
    assert gpu_capacity.COMPUTE_CLASS_LABEL not in _pool_inputs(pools_plan, "l4-flex")["nodeConfig"]["labels"]


def test_the_outputs_tell_a_dag_how_to_reach_each_pool(pools_plan: Plan) -> None:
    pools = pools_plan.outputs[outputs.GPU_POOLS]
    assert set(pools) == set(POOLS)
    assert pools["t4-spot"][outputs.NODE_SELECTOR] == {gpu_capacity.COMPUTE_CLASS_LABEL: "t4-spot-or-fallback"}
    assert pools["t4"][outputs.NODE_SELECTOR] == {gpu_capacity.NODE_POOL_LABEL: "t4"}
    assert pools["l4-shared"][outputs.TASK_GPUS] == 1
    assert pools["l4-shared"][outputs.NODE_SELECTOR][gpu_capacity.SHARING_STRATEGY_LABEL] == "time-sharing"
    assert pools_plan.outputs[outputs.TENANTS]["ml-dev"][outputs.TENANT_GPU_POOLS] == sorted(POOLS)


def test_a_stack_moved_from_the_legacy_keys_keeps_its_pool(plan_for: PlanFor, tmp_path: Path) -> None:
    """Pulumi.dev.yaml's gpu_* keys, written as the README's upgrade step says: same URN, same inputs."""
    legacy = plan_for("dev")
    moved = dev_with_pools({"gpu": {**T4, "count": 1, "max_nodes": 1, "capacity": "spot"}}, tmp_path)
    old, new = (
        {r.urn: r.inputs for r in p.resources if r.type == "gcp:container/nodePool:NodePool"} for p in (legacy, moved)
    )
    assert old == new


def test_the_deployer_grants_cover_every_pool_kind(pools_plan: Plan, tmp_path: Path) -> None:
    """The compute class is a custom resource (container.thirdPartyObjects.*), the pools node pools."""
    settings = settings_of("dev", {}, dev_file_with_pools(POOLS, tmp_path))
    assert_covered(settings, pools_plan)


def test_bounds_are_compared_only_when_each_is_valid_on_its_own() -> None:
    def problems(pools: dict[str, Any] | None, **stack: str) -> list[str]:
        with pytest.raises(ConfigError) as caught:
            settings_for(pools, None, **stack)
        return [str(problem) for problem in caught.value.problems if "nodes" in problem.key]

    assert problems({"t4": {**T4, "max_nodes": -1}}) == [
        "gke-kpo:gpu_pools.t4.max_nodes: must be at least 1, got -1. Fix: set a value >= 1"
    ]
    assert problems({"t4": {**T4, "min_nodes": 3, "max_nodes": 2}}) == [
        "gke-kpo:gpu_pools.t4.max_nodes: 2 is below gpu_pools.t4.min_nodes 3. "
        "Fix: set gpu_pools.t4.max_nodes >= gpu_pools.t4.min_nodes"
    ]
    assert problems({"t4": T4}, system_max_nodes="0") == [
        "gke-kpo:system_max_nodes: must be at least 1, got 0. Fix: set a value >= 1"
    ]
