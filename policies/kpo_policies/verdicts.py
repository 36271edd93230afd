"""Runs a policy's checks so that one unknown value never hides a known violation.

The SDK turns an ``UnknownValueError`` escaping a policy into a single advisory "can't run during
preview" note, dropping whatever else the policy would have found. Each check here runs on its own;
an unknown only skips that check, the rest still report at the policy's level, and the first
unknown is re-raised at the end so the SDK still emits its preview note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pulumi_policy import ReportViolation
from pulumi_policy.proxy import UnknownValueError

Check = Callable[[], Iterable[str]]


@dataclass(frozen=True, eq=False)
class Subject:
    """The resource a check looks at, in the same shape for resource and stack policies."""

    type: str
    name: str
    urn: str
    props: Any

    def says(self, problem: str, fix: str) -> str:
        """A violation message that names the resource and the fix."""
        return f"{self.type} '{self.name}': {problem} Fix: {fix}"


class Verdicts:
    def __init__(self, report: ReportViolation) -> None:
        self._report = report
        self._deferred: UnknownValueError | None = None

    def run(self, check: Check, urn: str | None = None) -> None:
        try:
            for message in check():
                self._report(message, urn)
        except UnknownValueError as unknown:
            self._deferred = self._deferred or unknown

    def finish(self) -> None:
        if self._deferred is not None:
            raise self._deferred


def stack_says(problem: str, fix: str) -> str:
    """A violation message about the stack as a whole (something is missing)."""
    return f"stack: {problem} Fix: {fix}"
