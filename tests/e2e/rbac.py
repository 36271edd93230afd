"""Kubernetes-style request attributes and an RBAC authorizer over the stack's ``rbac_rules``,
for one identity in one namespace or for RoleBindings of several users (tenants) across namespaces."""

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


@dataclass(frozen=True)
class RoleBinding:
    """A Role's rules bound to one user in one namespace: what the API server's RBAC authorizer sees."""

    namespace: str
    user: str
    rules: list[dict[str, Any]]


def bindings_from_resources(resources: list[tuple[str, dict[str, Any]]]) -> list[RoleBinding]:
    """RoleBindings (User subjects) joined to their Role by namespace and name, from (kind, manifest) pairs
    in the stack's own shape (``metadata``, ``rules``, ``roleRef``, ``subjects``)."""
    roles = {
        (manifest["metadata"]["namespace"], manifest["metadata"]["name"]): manifest["rules"]
        for kind, manifest in resources
        if kind == "Role"
    }
    return [
        RoleBinding(namespace, subject["name"], roles.get((namespace, manifest["roleRef"]["name"]), []))
        for kind, manifest in resources
        if kind == "RoleBinding"
        for namespace in [manifest["metadata"]["namespace"]]
        for subject in manifest["subjects"]
        if subject.get("kind") == "User"
    ]


def is_allowed_for(bindings: list[RoleBinding], user: str, attributes: RequestAttributes) -> bool:
    """Like RBAC: allowed when any binding of ``user`` allows it (bindings only ever add)."""
    mine = (binding for binding in bindings if binding.user == user)
    return any(is_allowed(binding.rules, binding.namespace, attributes) for binding in mine)
