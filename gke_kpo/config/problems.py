"""Configuration errors that name the key and the fix."""

from __future__ import annotations

from dataclasses import dataclass

CONFIG_NAMESPACE = "gke-kpo"
NAMED_AT_MOST = 8
"""How many tenants a message or report line names before it counts the rest (a hundred names are no message)."""


def listed(names: list[str], most: int = NAMED_AT_MOST) -> str:
    """``a, b, c`` or, past ``most``, the first ``most`` and a count: ``a, b, c and 92 more``."""
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])} and {len(names) - most} more"


@dataclass(frozen=True)
class Problem:
    key: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{CONFIG_NAMESPACE}:{self.key}: {self.message}. Fix: {self.fix}"


class ConfigError(ValueError):
    """Every problem found in the stack configuration, raised before any resource is declared."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"invalid stack configuration ({len(problems)} problem(s)):\n{lines}")

    @property
    def keys(self) -> list[str]:
        return [problem.key for problem in self.problems]
