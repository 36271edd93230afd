"""Which stacks the tests look at. The golden rule, stated once (docs/development.md links here):

- every stack file Pulumi.<name>.yaml is planned and judged (tests/stack/test_plan_command.py);
- a stack is checked against an inventory iff tests/golden/<name>.yaml exists (`make golden STACK=<name>` writes one);
- the stacks the project ships, SHIPPED_STACKS (gke_kpo/repo.py), must have one, and CI plans, previews and
  deploys exactly those. A stack you add with `make stack` is not
  shipped, so `make test` stays green without it until you opt in with `make golden STACK=<name>`.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path

from gke_kpo.plan.inventory import GOLDEN_DIR
from gke_kpo.repo import REPO_ROOT, SHIPPED_STACKS, known_stacks

__all__ = ["SHIPPED_STACKS", "free_stack_name", "golden_stacks"]


def golden_stacks() -> list[str]:
    return sorted(path.stem for path in GOLDEN_DIR.glob("*.yaml"))


def free_stack_name(root: Path = REPO_ROOT) -> str:
    """A name with no stack file and no policy config under ``root``: never assume one (say "staging") is free."""
    taken = set(known_stacks(root))
    taken |= {path.stem for path in (root / "policies" / "config").glob("*.json")}
    return next(name for name in (f"unused-{n}" for n in count()) if name not in taken)
