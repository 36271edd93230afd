"""Each resource of an analyzer request decoded once for all of the pack's policies, not once per policy.

pulumi-policy's server (``_PolicyAnalyzerServicer`` in pulumi_policy/policy.py, 1.21.0) turns a resource's
properties (and its provider's) into a proxy inside its loop over the policies: ``Analyze`` decodes each resource
once per resource policy, ``AnalyzeStack`` every resource once per stack policy. With this pack's eight stack
policies, a 100-tenant stack's ~1,000 resources were decoded eight times, about 90% of the pack's time for that
request, which is the last step of ``make plan`` (benchmarks/tenant_scale.py). The policies only read what they are
given, so one decoding serves them all.

While an ``Analyze`` or ``AnalyzeStack`` call runs on a thread, the decoding steps the server calls by module name
(``json_format.MessageToDict``, ``deserialize_properties``, ``unknown_checking_proxy``) answer the same input object
with the same result: protobuf returns the same message object for the same field of a request, and each step's
result is the next step's input. The memo lives for that call on that thread only and keeps every input alive, so
an id is never reused within it. A pulumi-policy without these names is left as it is: the pack works as before,
only slower.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Final

from pulumi_policy import policy as server

DECODING_STEPS: Final = ("deserialize_properties", "unknown_checking_proxy")
CALLS: Final = ("Analyze", "AnalyzeStack")
_calls = threading.local()


def _once(step: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(step)
    def decoded(value: Any, *args: Any, **kwargs: Any) -> Any:
        memo: dict[tuple[str, int], tuple[Any, Any]] | None = getattr(_calls, "memo", None)
        if memo is None or args or kwargs:
            return step(value, *args, **kwargs)
        key = (step.__name__, id(value))  # each step its own entries: one may return its input unchanged
        known = memo.get(key)
        if known is not None:
            return known[1]
        result = step(value)
        memo[key] = (value, result)
        return result

    return decoded


def _within_call(call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def analyze(self: Any, request: Any, context: Any) -> Any:
        _calls.memo = {}
        try:
            return call(self, request, context)
        finally:
            _calls.memo = None

    return analyze


class _JsonFormat:
    """The server's ``json_format`` with ``MessageToDict`` decoding once; everything else as protobuf has it."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.MessageToDict = _once(module.MessageToDict)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def applies() -> bool:
    """Whether this pulumi-policy has every name ``install`` replaces."""
    servicer = getattr(server, "_PolicyAnalyzerServicer", None)
    return (
        all(hasattr(servicer, call) for call in CALLS)
        and hasattr(getattr(server, "json_format", None), "MessageToDict")
        and all(callable(getattr(server, step, None)) for step in DECODING_STEPS)
    )


def install() -> bool:
    """Share the decoding within each analyzer call; call once, before ``PolicyPack`` starts serving."""
    if not applies():
        return False
    json_format = getattr(server, "json_format")  # noqa: B009 - not among the module's exports
    if isinstance(json_format, _JsonFormat):
        return True
    setattr(server, "json_format", _JsonFormat(json_format))  # noqa: B010
    for step in DECODING_STEPS:
        setattr(server, step, _once(getattr(server, step)))
    for call in CALLS:
        setattr(server._PolicyAnalyzerServicer, call, _within_call(getattr(server._PolicyAnalyzerServicer, call)))
    return True
