"""Calls a policy exactly as the SDK's servicer does: props marshalled to a Struct and back, then
wrapped in ``unknown_checking_proxy``; a deferred unknown is captured, not swallowed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format  # type: ignore[import-untyped]
from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from gke_kpo.gate.wire import properties

from .stacks import Resource


@dataclass
class Outcome:
    messages: list[str]
    unknown: UnknownValueError | None

    def mentions(self, text: str) -> bool:
        return any(text in message for message in self.messages)


def engine_props(props: Mapping[str, Any]) -> Any:
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(properties(dict(props)))))


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def run_policy(policy: Policy, resources: Sequence[Resource], config: Mapping[str, Any] | None = None) -> Outcome:
    messages: list[str] = []
    unknown: UnknownValueError | None = None

    def report(message: str, urn: str | None = None) -> None:
        messages.append(message)

    try:
        if isinstance(policy, ResourceValidationPolicy):
            for r in resources:
                args = ResourceValidationArgs(r.type, engine_props(r.props), r.urn, r.name, _options(), None, config)
                try:
                    policy.validate(args, report)
                except UnknownValueError as error:
                    unknown = error
        elif isinstance(policy, StackValidationPolicy):
            stack = [
                PolicyResource(r.type, engine_props(r.props), r.urn, r.name, _options(), None, None, [], {})
                for r in resources
            ]
            policy.validate(StackValidationArgs(stack, config), report)
    except UnknownValueError as error:
        unknown = error
    return Outcome(messages, unknown)
