"""The config keys, their types and defaults, read from Pulumi.yaml: the one place they are declared."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

import yaml

from gke_kpo.config.problems import CONFIG_NAMESPACE
from gke_kpo.repo import PROJECT_FILE

T = TypeVar("T")

ConfigValue = str | int | bool | list[str]


@dataclass(frozen=True)
class KeySpec:
    name: str
    type: str
    description: str
    default: ConfigValue | None


@cache
def key_specs() -> dict[str, KeySpec]:
    declared = yaml.safe_load(PROJECT_FILE.read_text())["config"]
    return {
        name: KeySpec(name, spec["type"], spec["description"], spec.get("default")) for name, spec in declared.items()
    }


def nearest_key(name: str) -> str | None:
    matches = difflib.get_close_matches(name.lower().replace("-", "_"), key_specs(), n=1, cutoff=0.6)
    return matches[0] if matches else None


def markdown_table() -> str:
    """The README's config reference, generated so it cannot drift from Pulumi.yaml."""
    rows = ["| key | type | default | description |", "| --- | --- | --- | --- |"]
    for spec in key_specs().values():
        default = "(required)" if spec.default is None else f"`{json.dumps(spec.default)}`"
        rows.append(f"| `{CONFIG_NAMESPACE}:{spec.name}` | {spec.type} | {default} | {spec.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
