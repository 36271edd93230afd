"""What Kubernetes' LimitRanger makes of a container under a tenant namespace's LimitRange.

There is deliberately no ``default`` (limit): a default limit below a container's own request made the pod
inadmissible (a task asking ``memory: 4Gi`` got a 1Gi limit). Without one, the API server defaults the item's
``default`` to its ``max`` — kubernetes pkg/apis/core/v1/defaults.go, SetDefaults_LimitRangeItem: "If a default
limit is unspecified, but the max is specified, default the limit to the max" — so a container that sets no limit
gets ``max_container_*``, at least as much as any request the LimitRange admits.
"""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud import names

Resources = dict[str, str]


class InadmissibleError(ValueError):
    """LimitRanger or Pod validation would refuse the container; the message says why, as the API server does."""


def _api_server_defaults(item: dict[str, Any]) -> tuple[Resources, Resources]:
    """SetDefaults_LimitRangeItem: default limit := max, then default request := default limit, key by key."""
    default = {**item.get("max", {}), **item.get("default", {})}
    default_request = {**default, **item.get("defaultRequest", {})}
    return default, default_request


def admit(item: dict[str, Any], requests: Resources, limits: Resources) -> tuple[Resources, Resources]:
    """The (requests, limits) a container ends up with, or ``InadmissibleError``.

    Order as in the API server: Pod defaulting (a limit without a request makes the request equal to it), then
    LimitRanger (fill absent limits, then absent requests, from the defaulted item; refuse above max), then Pod
    validation (request <= limit).
    """
    requests = {**limits, **requests}
    default, default_request = _api_server_defaults(item)
    limits = {**default, **limits}
    requests = {**default_request, **requests}
    for resource, most in item.get("max", {}).items():
        for kind, given in (("request", requests), ("limit", limits)):
            if resource in given and _value(given[resource]) > _value(most):
                raise InadmissibleError(
                    f"maximum {resource} usage per Container is {most}, but {kind} is {given[resource]}"
                )
    for resource, limit in limits.items():
        if resource in requests and _value(requests[resource]) > _value(limit):
            raise InadmissibleError(
                f"{resource} request {requests[resource]} must be less than or equal to limit {limit}"
            )
    return requests, limits


def _value(quantity: str) -> float:
    return names.quantity_value(quantity)
