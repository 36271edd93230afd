"""The README's policy table names every policy of the pack, with its kind, severity and the shipped stacks' levels."""

from __future__ import annotations

import json
import re

from pulumi_policy import ResourceValidationPolicy

from gke_kpo.repo import REPO_ROOT, SHIPPED_STACKS
from policies.kpo_policies.pack import POLICIES

_ROW = re.compile(
    r"^\| `(?P<name>[a-z-]+)` \| (?P<kind>stack|resource) \| (?P<severity>[a-z]+) \| (?P<levels>.*?) \| [A-Z]"
)


def _readme_rows() -> dict[str, tuple[str, str, list[str]]]:
    table = (REPO_ROOT / "README.md").read_text().split("#### Policies")[1].split("Policy config properties:")[0]
    rows = {}
    for line in table.splitlines():
        match = _ROW.match(line)
        if match:
            levels = [level.strip() for level in match["levels"].split("|")]
            rows[match["name"]] = (match["kind"], match["severity"], levels)
    return rows


def _level(stack: str, policy: str) -> str:
    configured = json.loads((REPO_ROOT / "policies" / "config" / f"{stack}.json").read_text())[policy]
    return str(configured if isinstance(configured, str) else configured["enforcementLevel"])


def test_every_policy_has_its_row_and_no_row_names_another() -> None:
    rows = _readme_rows()
    assert sorted(rows) == sorted(policy.name for policy in POLICIES)
    for policy in POLICIES:
        kind, severity, levels = rows[policy.name]
        assert kind == ("resource" if isinstance(policy, ResourceValidationPolicy) else "stack"), policy.name
        assert policy.severity is not None and severity == policy.severity.value, policy.name
        assert levels == [_level(stack, policy.name) for stack in SHIPPED_STACKS], policy.name
