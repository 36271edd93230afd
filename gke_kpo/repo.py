"""Where the project's own files are, and how a stack's file is named: stated once.

Standard library only: `make stack` runs it with the system Python, before any venv exists.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
PROJECT_FILE: Final = REPO_ROOT / "Pulumi.yaml"
"""The project file: its ``config:`` block declares every stack key."""


def repo_relative(path: Path) -> str:
    """A file of the repository as a user finds it from its root, for messages (``gke_kpo/cloud/data/...``)."""
    return path.relative_to(REPO_ROOT).as_posix()


_PREFIX, _SUFFIX = "Pulumi.", ".yaml"

SHIPPED_STACKS: Final = ("dev", "prod")
"""The stacks the project ships: each has a reviewed golden inventory, and CI plans and previews each."""


# Pulumi allows periods too, but Pulumi.<name>.yaml must split back into its name on "." (make plan, tests).
_STACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def stack_name_problem(name: str) -> str | None:
    if _STACK_NAME.match(name):
        return None
    return f"stack name {name!r}: use letters, digits, '-' and '_' (no '.'), e.g. staging"


def stack_file(stack: str, root: Path = REPO_ROOT) -> Path:
    """``Pulumi.<stack>.yaml``, the file the Pulumi CLI reads a stack's config from."""
    return root / f"{_PREFIX}{stack}{_SUFFIX}"


def policy_config_file(stack: str, root: Path = REPO_ROOT) -> Path:
    """Where the policy gate and the CLI's --policy-pack-config (Makefile) read the stack's policy levels."""
    return root / "policies" / "config" / f"{stack}.json"


def stack_name(path: Path) -> str | None:
    """The stack a ``Pulumi.<stack>.yaml`` file is for (the project file and other names: None)."""
    name = path.name
    if not (name.startswith(_PREFIX) and name.endswith(_SUFFIX)):
        return None
    return name.removeprefix(_PREFIX).removesuffix(_SUFFIX) or None


def known_stacks(root: Path = REPO_ROOT) -> list[str]:
    """Every stack with a file in ``root``."""
    return sorted(name for path in root.glob(f"{_PREFIX}*{_SUFFIX}") if (name := stack_name(path)))
