"""What a plan changes against the committed golden inventory, the way ``pulumi preview`` reports it.

The credential-free plan has no state; the reviewed inventory in ``tests/golden/<stack>.yaml`` stands in for it.
Whether a changed input replaces its resource comes from the day-2 review table (gke_kpo/cloud/replacement.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from gke_kpo.cloud.replacement import change_replaces, governing_row
from gke_kpo.plan.logical import match

MOCK_ID_SUFFIX = "-id"
"""The mock cloud's id of a resource is ``<name>-id`` (mock_cloud.py): inputs equal to it refer to that resource."""


class Op(Enum):
    SAME = ""
    CREATE = "+"
    UPDATE = "~"
    REPLACE = "+-"
    DELETE = "-"

    @property
    def verb(self) -> str:
        return {"": "same", "+": "create", "~": "update", "+-": "replace", "-": "delete"}[self.value]


@dataclass(frozen=True)
class InputChange:
    path: str
    old: Any
    new: Any
    replaces: bool
    note: str = ""
    """The review row's note on what such a change does (``in place: rolling node re-creation``)."""


@dataclass
class ResourceChange:
    type: str
    name: str
    op: Op
    changes: list[InputChange] = field(default_factory=list)
    cause: str = ""
    """Why a resource whose own inputs did not force it is replaced anyway (a replaced dependency)."""
    was: str = ""
    """The logical name it had in the compared inventory, when an alias moves it to a new one."""


_ABSENT = object()
AFTER_REPLACE = "(known after replace)"


def changed_paths(old: Any, new: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Leaf paths (``nodeConfig.machineType``, ``secondaryIpRanges[0].ipCidrRange``) whose values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            child = f"{path}.{key}" if path else str(key)
            found += changed_paths(old.get(key, _ABSENT), new.get(key, _ABSENT), child)
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            change
            for index, pair in enumerate(zip(old, new, strict=True))
            for change in changed_paths(*pair, f"{path}[{index}]")
        ]
    return [] if old == new else [(path, old, new)]


def _key(entry: dict[str, Any]) -> tuple[str, str]:
    return entry["type"], entry["name"]


def input_change(resource_type: str, path: str, old: Any, new: Any) -> InputChange:
    """Judged by the review table's row for ``path``, with the values for a row whose ForceNew depends on them."""
    row = governing_row(resource_type, path)
    note = row.note if row is not None else ""
    return InputChange(path, old, new, change_replaces(resource_type, path, old, new), note)


def _input_changes(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> list[InputChange]:
    return [
        input_change(resource_type, path, None if before is _ABSENT else before, None if after is _ABSENT else after)
        for path, before, after in changed_paths(old, new)
    ]


def _op(changes: list[InputChange]) -> Op:
    if not changes:
        return Op.SAME
    return Op.REPLACE if any(change.replaces for change in changes) else Op.UPDATE


def diff_inventories(
    golden: list[dict[str, Any]] | None, planned: list[dict[str, Any]], providers: dict[str, str] | None = None
) -> list[ResourceChange]:
    """One entry per resource in either inventory, in the plan's order, deletions last. ``providers`` maps a
    resource name to the name of the explicit provider it is managed through.

    A changed URN is a different resource to Pulumi unless an alias names the old one (gke_kpo/plan/logical.py): the
    old one is deleted and the new one created, as a preview shows it. Without a golden file everything is a create.
    """
    matching = match(golden or [], planned)
    before = {id(new): old for old, new in matching.pairs}
    result = []
    for entry in planned:
        old = before.get(id(entry))
        if old is None:
            result.append(ResourceChange(entry["type"], entry["name"], Op.CREATE))
            continue
        changes = _input_changes(entry["type"], old.get("inputs", {}), entry.get("inputs", {}))
        was = old["name"] if old["name"] != entry["name"] else ""
        change = ResourceChange(entry["type"], entry["name"], _op(changes), changes, was=was)
        swapped = _swapped_provider(old, entry, golden or [], planned)
        if swapped:
            change.op, change.cause = Op.REPLACE, swapped
        result.append(change)
    result += [ResourceChange(entry["type"], entry["name"], Op.DELETE) for entry in matching.deleted]
    _propagate_replacements(result, planned, providers or {})
    return result


def _swapped_provider(
    old: dict[str, Any], new: dict[str, Any], golden: list[dict[str, Any]], planned: list[dict[str, Any]]
) -> str:
    """A resource moved to another provider (not an alias of its old one) is diffed by the new provider against the
    old one's config, and replaced when that diff replaces (pulumi/pulumi step_generator.go providerChanged, read at
    1b594989): for Kubernetes, when the clusterIdentifier differs (a renamed cluster is a new, empty one)."""
    before, after = old.get("provider"), new.get("provider")
    old_provider = next((entry for entry in golden if entry["name"] == before), None)
    new_provider = next((entry for entry in planned if entry["name"] == after), None)
    if before == after or old_provider is None or new_provider is None:
        return ""
    if match([old_provider], [new_provider]).pairs:  # the new provider answers to the old one's URN (an alias)
        return ""
    changes = _input_changes(new_provider["type"], old_provider.get("inputs", {}), new_provider.get("inputs", {}))
    return f"it moves from provider {before} to {after}, whose config replaces" if _op(changes) is Op.REPLACE else ""


def _propagate_replacements(
    result: list[ResourceChange], planned: list[dict[str, Any]], providers: dict[str, str]
) -> None:
    """A replaced resource's outputs are unknown until it is re-created, so another resource's input holding its
    id or its name changes too (a preview shows it as known only after the replace); and the engine replaces
    every resource of a replaced provider."""
    inputs = {_key(entry): entry.get("inputs", {}) for entry in planned}
    changed = True
    while changed:
        changed = False
        replaced = {item.name for item in result if item.op is Op.REPLACE}
        references = _references_to(result, inputs)
        for item in result:
            if item.op not in (Op.SAME, Op.UPDATE):
                continue
            if providers.get(item.name) in replaced:
                item.op, item.cause, changed = Op.REPLACE, f"its provider {providers[item.name]} is replaced", True
                continue
            refs = [
                (path, value)
                for path, value in _references_in(inputs[(item.type, item.name)], references)
                if references[value][0] != item.name and _holds_reference(path, references[value][1])
            ]
            if not refs:
                continue
            extra = [
                input_change(item.type, path, value, AFTER_REPLACE)
                for path, value in refs
                if path not in {change.path for change in item.changes}
            ]
            item.changes += extra
            new_op = _op(item.changes)
            if new_op is not item.op:
                item.op, changed = new_op, True
                item.cause = item.cause or f"{references[refs[0][1]][0]} is replaced"


def _references_to(
    result: list[ResourceChange], inputs: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, tuple[str, str]]:
    """Values that stand for a replaced resource, mapped to its logical name and to the input key that holds a
    reference by name (``cluster`` for a Cluster): its mock id anywhere, its name only under that key."""
    references = {}
    for item in result:
        if item.op is Op.REPLACE and (item.type, item.name) in inputs:
            references[f"{item.name}{MOCK_ID_SUFFIX}"] = (item.name, "")
            name = inputs[(item.type, item.name)].get("name")
            if isinstance(name, str):
                references.setdefault(name, (item.name, item.type.rpartition(":")[2].lower()))
    return references


def _holds_reference(path: str, key: str) -> bool:
    return not key or path.rpartition(".")[2].lower() == key


def _references_in(value: Any, ids: dict[str, Any], path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [
            ref for key in sorted(value) for ref in _references_in(value[key], ids, f"{path}.{key}" if path else key)
        ]
    if isinstance(value, list):
        return [ref for index, item in enumerate(value) for ref in _references_in(item, ids, f"{path}[{index}]")]
    return [(path, value)] if isinstance(value, str) and value in ids else []
