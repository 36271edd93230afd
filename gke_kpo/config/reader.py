"""Typed, problem-collecting access to resolved config values, used by the settings parser."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from gke_kpo.config.keys import ConfigValue
from gke_kpo.config.problems import Problem

E = TypeVar("E", bound=Enum)


class ConfigReader:
    """Typed access to resolved values that records every problem instead of stopping at the first."""

    def __init__(
        self, values: dict[str, ConfigValue], problems: list[Problem], paths: dict[str, str] | None = None
    ) -> None:
        self.values = values
        self.problems = problems
        self.paths = paths or {}
        """Where a key's value came from when that is not the stack key itself, e.g. tenants.ml-dev.quota_cpu."""

    def path(self, key: str) -> str:
        return self.paths.get(key, key)

    def text(self, key: str, rule: Callable[[str], str | None] | None = None, fix: str = "") -> str:
        value = str(self.values.get(key, ""))
        reason = rule(value) if rule and key in self.values else None
        if reason:
            self.fail(key, reason, fix)
        return value

    def number(self, key: str, minimum: int = 0) -> int:
        value = self.values.get(key, minimum)
        assert isinstance(value, int)
        if value < minimum:
            self.fail(key, f"must be at least {minimum}, got {value}", f"set a value >= {minimum}")
        return value

    def bounds(self, min_key: str, max_key: str, min_floor: int, max_floor: int) -> tuple[int, int]:
        """A (minimum, maximum) pair; their order is checked only when neither is refused on its own (one problem
        per mistake)."""
        minimum, maximum = self.number(min_key, min_floor), self.number(max_key, max_floor)
        if maximum < minimum and not (self.has_problem(min_key) or self.has_problem(max_key)):
            upper, lower = self.path(max_key), self.path(min_key)
            self.fail(max_key, f"{maximum} is below {lower} {minimum}", f"set {upper} >= {lower}")
        return minimum, maximum

    def flag(self, key: str) -> bool:
        return bool(self.values.get(key, False))

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.values.get(key, [])
        assert isinstance(value, list)
        return tuple(value)

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = str(self.values.get(key, options[0]))
        if value not in options:
            self.fail(key, f"{value!r} is not one of {', '.join(options)}", f"use one of {', '.join(options)}")
            return options[0]
        return value

    def member(self, key: str, kind: type[E]) -> E:
        options = tuple(item.value for item in kind)
        return kind(self.choice(key, options))

    def has_problem(self, key: str) -> bool:
        return any(problem.key == self.path(key) for problem in self.problems)

    def fail(self, key: str, message: str, fix: str) -> None:
        problem = Problem(self.path(key), message, fix or "correct the value")
        # A stack-level default every tenant inherits is reported once, not once per tenant.
        if problem not in self.problems:
            self.problems.append(problem)
