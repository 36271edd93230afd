"""Which planned resource is which resource of the inventory compared with: the same URN, or an alias naming it.

That is how the engine matches a registered resource with its state: by URN, else by the first of its aliases found
in the old state, so an aliased resource is moved, not created anew (pulumi/pulumi pkg/resource/deploy/
step_generator.go generateAliases, read at 1b594989; docs: https://www.pulumi.com/docs/iac/concepts/options/aliases/).
Inventories written before URNs were recorded (an older plan.yaml or golden) are matched by type and logical name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Entry = dict[str, Any]


def urn_type_and_name(urn: str) -> tuple[str, str]:
    """``urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`` -> (type, name)."""
    parts = urn.split("::")
    return parts[2].rpartition("$")[2], "::".join(parts[3:])


def _plain_key(entry: Entry) -> tuple[str, str]:
    return entry["type"], entry["name"]


@dataclass
class Matching:
    pairs: list[tuple[Entry, Entry]]
    """(before, after) for every resource in both, in the planned order."""
    created: list[Entry]
    deleted: list[Entry]
    """Before-entries no planned resource claims, in their inventory's order."""


def match(before: list[Entry], after: list[Entry]) -> Matching:
    by_urn = {entry["urn"]: entry for entry in before if "urn" in entry}
    by_plain = {_plain_key(entry): entry for entry in before}
    claimed: set[int] = set()

    def find(urn: str | None, plain: tuple[str, str]) -> Entry | None:
        found = by_urn.get(urn) if urn else None
        if found is None and (urn is None or not by_urn):
            found = by_plain.get(plain)
        return found if found is not None and id(found) not in claimed else None

    pairs, created = [], []
    for entry in after:
        old = find(entry.get("urn"), _plain_key(entry))
        for alias in entry.get("aliases", []) if old is None else []:
            old = find(alias, urn_type_and_name(alias))
            if old is not None:
                break
        if old is None:
            created.append(entry)
        else:
            claimed.add(id(old))
            pairs.append((old, entry))
    deleted = [entry for entry in before if id(entry) not in claimed]
    return Matching(pairs, created, deleted)
