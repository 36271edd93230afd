"""The preview-like diff against a golden inventory, on small hand-written inventories judged by the real review
table (gke_kpo/cloud/replacement.py)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from gke_kpo.cloud.replacement import CLUSTER, KUBERNETES_PROVIDER, NODE_POOL, ROLE, ROLLING_NODES, SUBNETWORK
from gke_kpo.plan.diff import AFTER_REPLACE, Op, changed_paths, diff_inventories
from gke_kpo.plan.report import use_colour

POOL, SUBNET = NODE_POOL, SUBNETWORK


def _entry(type_: str, logical_name: str, **inputs: Any) -> dict[str, Any]:
    return {"type": type_, "name": logical_name, "parent": "c", "inputs": inputs}


def _ops(golden: list[dict[str, Any]] | None, planned: list[dict[str, Any]], **kw: Any) -> dict[str, str]:
    return {change.name: change.op.verb for change in diff_inventories(golden, planned, **kw)}


def test_changed_paths_name_leaves_and_list_positions() -> None:
    old = {"a": {"b": 1, "c": [{"d": "x"}, {"d": "y"}]}, "gone": 1}
    new = {"a": {"b": 2, "c": [{"d": "x"}, {"d": "z"}]}, "added": 1}
    assert [path for path, _, _ in changed_paths(old, new)] == ["a.b", "a.c[1].d", "added", "gone"]
    assert changed_paths([1], [1, 2], "l") == [("l", [1], [1, 2])]


def test_the_most_specific_review_row_decides_replace_or_update() -> None:
    def pool(gpu: str, label: str, machine: str = "a") -> list[dict[str, Any]]:
        node = {"machineType": machine, "labels": {"x": label}, "guestAccelerators": [{"type": gpu}]}
        return [_entry(POOL, "p", nodeConfig=node)]

    golden = pool("t4", "1")
    assert _ops(golden, pool("l4", "1")) == {"p": "replace"}
    assert _ops(golden, pool("t4", "2")) == {"p": "update"}
    (change,) = diff_inventories(golden, pool("l4", "1"))
    assert [(c.path, c.old, c.new, c.replaces) for c in change.changes] == [
        ("nodeConfig.guestAccelerators[0].type", "t4", "l4", True)
    ]
    (change,) = diff_inventories(golden, pool("t4", "1", machine="b"))
    assert change.op is Op.UPDATE
    assert [(c.path, c.replaces, c.note) for c in change.changes] == [("nodeConfig.machineType", False, ROLLING_NODES)]


@pytest.mark.parametrize(
    ("new_range", "op"),
    [("10.0.0.0/19", Op.UPDATE), ("10.0.0.0/21", Op.REPLACE), ("10.1.0.0/20", Op.REPLACE)],
    ids=["widened", "shrunk", "moved"],
)
def test_a_value_rule_judges_the_node_range_by_its_old_and_new_value(new_range: str, op: Op) -> None:
    golden = [_entry(SUBNET, "net", ipCidrRange="10.0.0.0/20")]
    (change,) = diff_inventories(golden, [_entry(SUBNET, "net", ipCidrRange=new_range)])
    assert change.op is op
    assert [(c.path, c.replaces) for c in change.changes] == [("ipCidrRange", op is Op.REPLACE)]


def test_a_renamed_resource_is_a_delete_and_a_create() -> None:
    assert _ops([_entry(POOL, "old")], [_entry(POOL, "new")]) == {"new": "create", "old": "delete"}
    assert _ops([_entry(POOL, "same")], [_entry(POOL, "same")]) == {"same": "same"}


def test_without_a_golden_inventory_everything_is_created() -> None:
    assert set(_ops(None, [_entry(POOL, "a"), _entry(SUBNET, "b")]).values()) == {"create"}


def test_what_holds_a_replaced_resources_id_or_name_changes_with_it() -> None:
    golden = [
        _entry(SUBNET, "net", name="net-physical", ipCidrRange="10.0.0.0/20"),
        _entry(CLUSTER, "cl", name="cl", subnetwork="net-id", resourceLabels={"x": "net-physical"}),
        _entry(POOL, "pool", cluster="cl"),
    ]
    planned = [{**golden[0], "inputs": {"name": "net-physical", "ipCidrRange": "10.1.0.0/20"}}, *golden[1:]]
    changes = {change.name: change for change in diff_inventories(golden, planned)}
    assert changes["net"].op is Op.REPLACE
    assert changes["cl"].op is Op.REPLACE, "subnetwork holds the replaced subnet's id and forces replacement"
    assert [(c.path, c.new) for c in changes["cl"].changes] == [("subnetwork", AFTER_REPLACE)]
    assert changes["cl"].cause == "net is replaced"
    # A name is a reference only under the key naming the type: resourceLabels.x is left alone, pool.cluster follows.
    assert changes["pool"].op is Op.REPLACE
    assert [c.path for c in changes["pool"].changes] == ["cluster"]
    assert changes["pool"].cause == "cl is replaced"


def test_a_widened_range_leaves_what_holds_the_subnetwork_alone() -> None:
    golden = [_entry(SUBNET, "net", ipCidrRange="10.0.0.0/20"), _entry(CLUSTER, "cl", subnetwork="net-id")]
    planned = [_entry(SUBNET, "net", ipCidrRange="10.0.0.0/19"), golden[1]]
    assert _ops(golden, planned) == {"net": "update", "cl": "same"}


def test_a_replaced_provider_replaces_every_resource_it_manages() -> None:
    golden = [_entry(KUBERNETES_PROVIDER, "k8s", clusterIdentifier="a"), _entry(ROLE, "role", rules=[])]
    planned = [_entry(KUBERNETES_PROVIDER, "k8s", clusterIdentifier="b"), golden[1]]
    changes = {change.name: change for change in diff_inventories(golden, planned, providers={"role": "k8s"})}
    assert changes["role"].op is Op.REPLACE
    assert changes["role"].cause == "its provider k8s is replaced"


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_colour(_Stream(tty=True))
    assert not use_colour(_Stream(tty=False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(_Stream(tty=True))
