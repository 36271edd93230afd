"""Turns per-resource check functions into the SDK's validate callbacks.

Checks are plain generators of messages, keyed by resource type; every (resource, check) pair runs
through ``Verdicts`` so an unknown value only silences that one pair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from pulumi_policy import (
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    StackValidation,
    StackValidationArgs,
)

from .stack_facts import StackFacts
from .verdicts import Subject, Verdicts

ResourceCheck = Callable[[Subject, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[[Subject, StackFacts], Iterable[str]]
WholeStackCheck = Callable[[StackFacts], Iterable[str]]
Predicate = Callable[[Any, Mapping[str, Any]], bool]
"""(props, policy config) -> whether the rule is violated."""


def resource_validation(checks: Mapping[str, Sequence[ResourceCheck]]) -> ResourceValidation:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        subject = Subject(args.resource_type, args.name, args.urn, args.props)
        verdicts = Verdicts(report)
        for check in checks.get(args.resource_type, ()):
            verdicts.run(partial(check, subject, args.get_config()))
        verdicts.finish()

    return validate


def stack_validation(
    checks: Mapping[str, Sequence[StackCheck]], whole_stack: Sequence[WholeStackCheck] = ()
) -> StackValidation:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        subjects = [Subject(r.resource_type, r.name, r.urn, r.props) for r in args.resources]
        facts = StackFacts(subjects, args.get_config())
        verdicts = Verdicts(report)
        for subject in subjects:
            for check in checks.get(subject.type, ()):
                verdicts.run(partial(check, subject, facts), subject.urn)
        for stack_check in whole_stack:
            verdicts.run(partial(stack_check, facts))
        verdicts.finish()

    return validate


Wording = str | Callable[[Any, Mapping[str, Any]], str]
"""A fixed text, or one built from (props, policy config): to name a value, a limit and where it is set."""


class Requirement:
    """One property-level rule: when ``violated(props, config)``, report ``problem`` and ``fix``."""

    def __init__(self, violated: Predicate, problem: Wording, fix: Wording) -> None:
        self.violated = violated
        self.problem = problem
        self.fix = fix

    def check(self, subject: Subject, config: Mapping[str, Any]) -> Iterable[str]:
        if self.violated(subject.props, config):
            problem, fix = (
                text(subject.props, config) if callable(text) else text for text in (self.problem, self.fix)
            )
            yield subject.says(problem, fix)


def requirement_checks(requirements: Sequence[Requirement]) -> list[ResourceCheck]:
    """Each requirement is its own check, so an unknown field only skips that field."""
    return [requirement.check for requirement in requirements]
