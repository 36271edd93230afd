"""The pack decodes each resource once per analyzer call, and answers exactly as pulumi-policy's own server does."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import EnforcementLevel, StackValidationArgs, StackValidationPolicy
from pulumi_policy import policy as server
from pulumi_policy.policy import ReportViolation

from gke_kpo.gate.wire import analyze_requests, analyze_stack_request
from gke_kpo.preview.capture import PlannedResource
from policies.kpo_policies import decode_once
from policies.kpo_policies.pack import PACK_NAME, POLICIES

from .stacks import Resource
from .test_violations import CASES


def _servicer(policies: list[Any]) -> Any:
    return server._PolicyAnalyzerServicer(
        PACK_NAME, "0.0.1", policies, EnforcementLevel.MANDATORY, None, "", None, None, None, None, None
    )


def _planned(resources: list[Resource]) -> list[PlannedResource]:
    return [PlannedResource(r.type, r.name, r.urn, r.props, None, "", [], False, True) for r in resources]


@pytest.fixture(scope="module")
def installed() -> None:
    assert decode_once.install(), "pulumi-policy's server no longer has the names decode_once shares: re-read it"


def test_applies_to_the_pinned_pulumi_policy() -> None:
    assert decode_once.applies()


@pytest.mark.usefixtures("installed")
def test_install_twice_wraps_once() -> None:
    wrapped = server._PolicyAnalyzerServicer.AnalyzeStack
    assert decode_once.install()
    assert server._PolicyAnalyzerServicer.AnalyzeStack is wrapped


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_violating_stack_is_answered_as_without_sharing(case: Any) -> None:
    servicer = _servicer(POLICIES)
    resources = _planned(case.build())
    stack_request = analyze_stack_request(resources)
    answers = []
    for call, requests in (("AnalyzeStack", [stack_request]), ("Analyze", list(analyze_requests(resources)))):
        shared = getattr(server._PolicyAnalyzerServicer, call)
        for request in requests:
            answer = shared(servicer, request, None)
            assert answer == shared.__wrapped__(servicer, request, None), call
            answers.append(answer)
    assert any(answer.diagnostics for answer in answers), "each case violates a policy"


class _SeenProps:
    """Two stack policies that keep the props objects they were handed."""

    def __init__(self) -> None:
        self.seen: dict[str, list[Any]] = {"first": [], "second": []}

    def policy(self, name: str) -> StackValidationPolicy:
        def validate(args: StackValidationArgs, report: ReportViolation) -> None:
            self.seen[name] = [resource.props for resource in args.resources]

        return StackValidationPolicy(name=name, description=name, validate=validate)


@pytest.mark.usefixtures("installed")
def test_stack_policies_share_one_decoding_within_a_call_only() -> None:
    spy = _SeenProps()
    servicer = _servicer([spy.policy("first"), spy.policy("second")])
    request = analyze_stack_request(_planned(CASES[0].build()))
    analyze_stack: Any = server._PolicyAnalyzerServicer.AnalyzeStack
    analyze_stack(servicer, request, None)
    first_call = spy.seen["first"]
    assert first_call and all(a is b for a, b in zip(first_call, spy.seen["second"], strict=True))
    analyze_stack(servicer, request, None)
    assert not any(a is b for a, b in zip(first_call, spy.seen["first"], strict=True)), "a new call decodes anew"
