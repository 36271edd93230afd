"""Which stacks the tests look at. The golden rule, stated once (docs/development.md links here):

- every stack file Pulumi.<name>.yaml is planned and judged (tests/stack/test_plan_command.py);
- a stack is checked against an inventory iff tests/golden/<name>.yaml exists (`make golden` writes one);
- the stacks the project ships, SHIPPED_STACKS, must have one. A stack you add with `make stack` is not
  shipped, so `make test` stays green without it until you opt in with `make golden`.
"""

from __future__ import annotations

from itertools import count
from typing import Final

from gke_kpo.gate.launch import PACK_DIR
from gke_kpo.plan.capture import known_stacks, stack_file
from gke_kpo.plan.inventory import GOLDEN_DIR

SHIPPED_STACKS: Final = ("dev", "prod")


def golden_stacks() -> list[str]:
    return sorted(path.stem for path in GOLDEN_DIR.glob("*.yaml"))


def free_stack_name() -> str:
    """A name with no stack file and no policy config: never assume one (say "staging") is free."""
    return next(
        name
        for name in (f"unused-{n}" for n in count())
        if not stack_file(name).exists()
        and not (PACK_DIR / "config" / f"{name}.json").exists()
        and name not in known_stacks()
    )
