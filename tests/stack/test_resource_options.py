"""Resource options that answer real-cloud behaviour, for dev (unprotected) and prod (deletion protection)."""

from __future__ import annotations

import pytest

from gke_kpo.cloud import replacement as review
from tests.stack.conftest import OptionsFor, PlanFor
from tests.stack.options import DeclaredOptions, Recorded

FIXED_NAME_TYPES = (
    review.CLUSTER,
    review.NODE_POOL,
    review.NETWORK,
    review.SUBNETWORK,
    review.ROUTER,
    review.ROUTER_NAT,
    review.SERVICE_ACCOUNT,
    review.CUSTOM_ROLE,
)
NODE_IDENTITY_GRANTS = (review.PROJECT_IAM_MEMBER, review.REPOSITORY_IAM_MEMBER)
IMAGES = {"artifact_registry_repositories": ["projects/acme-images/locations/us/repositories/tasks"]}


def of_type(options: Recorded, type_: str) -> dict[str, DeclaredOptions]:
    return {name: declared for (t, name), declared in options.items() if t == type_}


def the(options: Recorded, type_: str) -> DeclaredOptions:
    (declared,) = of_type(options, type_).values()
    return declared


@pytest.mark.parametrize(("stack", "protected"), [("dev", False), ("prod", True)])
def test_cluster_ignores_the_default_pool_fields_and_follows_deletion_protection(
    options_for: OptionsFor, stack: str, protected: bool
) -> None:
    cluster = the(options_for(stack), review.CLUSTER)
    assert cluster.ignore_changes == ("nodeConfig", "initialNodeCount")
    assert cluster.delete_before_replace is True
    assert cluster.protect is protected
    assert {"kpo-" + stack + "-nodes", "kpo-" + stack + "-nodes-role"} <= set(cluster.depends_on)


@pytest.mark.parametrize(("stack", "protected"), [("dev", False), ("prod", True)])
def test_pools_ignore_the_reported_initial_size_and_follow_deletion_protection(
    options_for: OptionsFor, stack: str, protected: bool
) -> None:
    pools = of_type(options_for(stack, gpu_count=1), review.NODE_POOL)
    assert set(pools) == {f"kpo-{stack}-system", f"kpo-{stack}-gpu"}
    for pool in pools.values():
        assert pool.ignore_changes == ("initialNodeCount",)
        assert pool.delete_before_replace is True
        assert pool.protect is protected


@pytest.mark.parametrize(("stack", "protected"), [("dev", False), ("prod", True)])
def test_node_identity_is_protected_with_the_cluster(options_for: OptionsFor, stack: str, protected: bool) -> None:
    options = options_for(stack, **IMAGES)
    account = of_type(options, review.SERVICE_ACCOUNT)[f"kpo-{stack}-nodes"]
    assert account.protect is protected
    node_grants = [
        declared
        for type_ in NODE_IDENTITY_GRANTS
        for name, declared in of_type(options, type_).items()
        if name.startswith(f"kpo-{stack}-nodes-")
    ]
    assert len(node_grants) == 2
    assert all(grant.protect is protected and f"kpo-{stack}-nodes" in grant.depends_on for grant in node_grants)


def test_protection_follows_the_config_key_not_the_stack_name(options_for: OptionsFor) -> None:
    assert the(options_for("dev", deletion_protection=True), review.CLUSTER).protect is True
    assert the(options_for("prod", deletion_protection=False), review.CLUSTER).protect is False


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_fixed_names_delete_before_replace_and_nothing_else_does(options_for: OptionsFor, stack: str) -> None:
    options = options_for(stack, **IMAGES)
    custom = {key: declared for key, declared in options.items() if not key[0].startswith("gke-kpo:")}
    for (type_, name), declared in custom.items():
        assert declared.delete_before_replace is (type_ in FIXED_NAME_TYPES), (type_, name)


@pytest.mark.parametrize("type_", FIXED_NAME_TYPES)
def test_each_fixed_name_type_has_a_replacing_name_reached_by_config(type_: str) -> None:
    rows = [row for row in review.rows_for(type_) if row.path in ("name", "accountId", "roleId")]
    assert rows and all(row.replaces for row in rows)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_ignored_paths_are_inputs_the_resource_declares(options_for: OptionsFor, plan_for: PlanFor, stack: str) -> None:
    inputs = {(r.type, r.name): r.inputs for r in plan_for(stack).resources}
    for key, declared in options_for(stack).items():
        for path in declared.ignore_changes:
            assert path in inputs[key], (key, path)
            assert review.forces_replacement(key[0], path), f"{path} needs no ignore_changes if it updates in place"


def test_raising_the_minimum_updates_the_autoscaler_not_the_initial_size(plan_for: PlanFor) -> None:
    def system_pool(plan_inputs: list[dict[str, object]]) -> dict[str, object]:
        return next(inputs for inputs in plan_inputs if inputs["name"] == "system")

    pools = [r.inputs for r in plan_for("dev", system_min_nodes=2, system_max_nodes=3).of_type(review.NODE_POOL)]
    before = [r.inputs for r in plan_for("dev").of_type(review.NODE_POOL)]
    assert system_pool(pools)["initialNodeCount"] == system_pool(before)["initialNodeCount"] == 1
    assert system_pool(pools)["autoscaling"] == {
        "totalMinNodeCount": 2,
        "totalMaxNodeCount": 3,
        "locationPolicy": "BALANCED",
    }
    gpu = next(inputs for inputs in pools if inputs["name"] == "gpu")
    assert gpu["initialNodeCount"] == 0


@pytest.mark.parametrize(("stack", "protected"), [("dev", False), ("prod", True)])
def test_created_network_is_protected_with_the_cluster(plan_for: PlanFor, stack: str, protected: bool) -> None:
    """Protection as the engine receives it (inherited from the Network component)."""
    network = [r for r in plan_for(stack).resources if r.type.startswith("gcp:compute/")]
    assert len(network) == 4
    assert all(resource.protect is protected for resource in network)
