"""Kubernetes-style request attributes and an RBAC authorizer over the stack's ``rbac_rules``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_NAMESPACED_CORE = re.compile(
    r"^/api/v1/namespaces/(?P<namespace>[^/]+)/(?P<resource>[^/]+)(?:/(?P<name>[^/]+)(?:/(?P<sub>[^/]+))?)?$"
)

_VERB_FOR_METHOD = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


@dataclass(frozen=True)
class RequestAttributes:
    """What the API server's authorizer sees: verb, resource[/subresource], namespace, name."""

    verb: str
    resource: str
    namespace: str | None
    name: str | None


def query_flag(query: dict[str, list[str]], name: str) -> bool:
    """The Python client sends booleans as ``True``/``False``; kubectl sends ``true``."""
    return query.get(name, ["false"])[0].lower() in ("true", "1")


def request_attributes(method: str, path: str, query: dict[str, list[str]]) -> RequestAttributes:
    match = _NAMESPACED_CORE.match(path)
    if match is None:
        # Cluster-scoped or another API group: the namespaced Role can never grant it.
        return RequestAttributes(method.lower(), path, None, None)
    name, sub = match["name"], match["sub"]
    resource = f"{match['resource']}/{sub}" if sub else match["resource"]
    if method == "GET":
        verb = "watch" if query_flag(query, "watch") else ("get" if name else "list")
    else:
        verb = _VERB_FOR_METHOD.get(method, method.lower())
        if method == "DELETE" and name is None:
            verb = "deletecollection"
    return RequestAttributes(verb, resource, match["namespace"], name)


def _grants(rule: dict[str, Any], attributes: RequestAttributes) -> bool:
    def covers(field: str, wanted: str) -> bool:
        values = rule.get(field, [])
        return "*" in values or wanted in values

    # Only the core group ("") is served here.
    return covers("apiGroups", "") and covers("resources", attributes.resource) and covers("verbs", attributes.verb)


def is_allowed(rules: list[dict[str, Any]], namespace: str, attributes: RequestAttributes) -> bool:
    """A Role bound in ``namespace`` allows only requests inside it, matching one rule."""
    if attributes.namespace != namespace:
        return False
    return any(_grants(rule, attributes) for rule in rules)
