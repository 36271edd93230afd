"""Whether the deployer's projectIamAdmin condition, written for the inventory the plan compares with, still admits
every role the stack grants at project level; if not, `pulumi up` is refused on the first new grant.

The baseline is that inventory (tests/golden/<stack>.yaml, or ``--golden``): by the golden rule it is what the
deployed stack declares, so the condition an admin set from ``python -m gke_kpo.deployer --condition-for`` at that
deploy admits exactly its roles. Only the deployer's real condition is better, and only CI can read it: the deploy
workflow checks it with ``--condition-admits`` before `pulumi up`.
"""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud.deployer_roles import condition_over, in_condition_order
from gke_kpo.cloud.replacement import PROJECT_IAM_MEMBER


def _project_roles(entries: list[dict[str, Any]]) -> set[str]:
    return {str(entry["inputs"]["role"]) for entry in entries if entry["type"] == PROJECT_IAM_MEMBER}


def condition_drift(
    baseline: list[dict[str, Any]] | None, planned: list[dict[str, Any]], shown_baseline: str
) -> list[str]:
    """The plan's lines about it: none when the baseline is missing (a new stack) or its condition still admits all."""
    if baseline is None:
        return []
    before, after = _project_roles(baseline), _project_roles(planned)
    added = in_condition_order(after - before)
    if not added:
        return []
    lines = [
        f"Deployer condition: the stack now grants {', '.join(added)} at project level, which the deployer's",
        f"  projectIamAdmin condition (written for {shown_baseline}) does not admit: `pulumi up` would be refused.",
        "  A project IAM admin must update that condition first (README, Deployer permissions), to:",
        f"  {condition_over(in_condition_order(before | after))}",
    ]
    if before - after:
        lines.append(
            "  (it still admits the roles whose grants this update deletes; narrow it after the update to "
            "`python -m gke_kpo.deployer --condition-for <stack>`)"
        )
    return lines
