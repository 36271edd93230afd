"""Planned resources in the analyzer protocol's shape, marshalled as the engine marshals them.

The engine sends inputs with ``KeepUnknowns`` (every unknown becomes the unknown-string sentinel),
``KeepSecrets`` (secrets stay wrapped in their signature object, which the mock run already
produces) and numbers as doubles (protobuf Struct has no integers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.output import Unknown
from pulumi.runtime.proto import analyzer_pb2
from pulumi.runtime.rpc import UNKNOWN

from gke_kpo.preview.capture import PlannedResource

PROVIDER_TYPE_PREFIX: Final = "pulumi:providers:"


def wire_value(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {str(key): wire_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire_value(item) for item in value]
    return value


def properties(inputs: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(wire_value(inputs))
    return struct


def _urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _urn_type(urn: str) -> str:
    qualified = urn.split("::")[2]
    return qualified.rsplit("$", 1)[-1]


def _provider(
    resource: PlannedResource, by_urn: dict[str, PlannedResource]
) -> analyzer_pb2.AnalyzerProviderResource | None:
    """The resource's provider (reference ``<urn>::<id>``), with its inputs when the plan declares it."""
    if not resource.provider:
        return None
    urn = resource.provider.rsplit("::", 1)[0]
    declared = by_urn.get(urn)
    return analyzer_pb2.AnalyzerProviderResource(
        urn=urn,
        type=_urn_type(urn),
        name=_urn_name(urn),
        properties=properties(declared.inputs if declared else {}),
    )


def _options(resource: PlannedResource) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(protect=resource.protect, parent=resource.parent or "")


def _described(resource: PlannedResource, by_urn: dict[str, PlannedResource]) -> dict[str, Any]:
    """The fields an Analyze request and a stack's AnalyzerResource share."""
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": _urn_name(resource.urn),
        "properties": properties(resource.inputs),
        "options": _options(resource),
        "provider": _provider(resource, by_urn),
    }


def analyze_requests(resources: Iterable[PlannedResource]) -> Iterator[analyzer_pb2.AnalyzeRequest]:
    """One request per resource, in registration order, as the step generator sends them. Each goes out as soon as
    its resource is known: a resource names its provider by URN and ID, which the SDK has only once the provider is
    registered, so the provider's inputs are always known by then."""
    by_urn: dict[str, PlannedResource] = {}
    for resource in resources:
        by_urn[resource.urn] = resource
        yield analyzer_pb2.AnalyzeRequest(**_described(resource, by_urn))


def analyze_stack_request(resources: Sequence[PlannedResource]) -> analyzer_pb2.AnalyzeStackRequest:
    by_urn = {resource.urn: resource for resource in resources}
    return analyzer_pb2.AnalyzeStackRequest(
        resources=[
            analyzer_pb2.AnalyzerResource(
                **_described(resource, by_urn), parent=resource.parent or "", dependencies=resource.dependencies
            )
            for resource in resources
        ]
    )
