"""Cross-resource facts a stack policy needs, indexed once per stack analysis.

Every lookup a check makes (resources of a type, resources in a namespace, the tenant owning a
namespace or an identity, who holds a custom role) is a dictionary read, so a policy stays linear in
the number of resources however many tenants the stack has. An index entry whose key is unknown
during preview is set aside; a check that needs the complete index re-raises that unknown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from . import resource_types as types
from .gpu import is_gpu_pool
from .iam import custom_role_id, grants
from .props import lookup, strings
from .stack_intent import StackIntent, read_intent
from .verdicts import Subject


class StackFacts:
    def __init__(self, resources: Sequence[Subject], config: Mapping[str, Any]) -> None:
        self.resources = list(resources)
        self.config = config
        self._by_type: dict[str, list[Subject]] = {}
        for resource in self.resources:
            self._by_type.setdefault(resource.type, []).append(resource)
        self._unknown_namespace: UnknownValueError | None = None
        self._unknown_grant: UnknownValueError | None = None

    def of_type(self, *resource_types: str) -> list[Subject]:
        if len(resource_types) == 1:
            return self._by_type.get(resource_types[0], [])
        return [resource for resource_type in resource_types for resource in self._by_type.get(resource_type, [])]

    def intent(self) -> StackIntent:
        return self._intent

    @cached_property
    def _intent(self) -> StackIntent:
        return read_intent(self.of_type(types.NAMESPACE))

    @cached_property
    def _by_namespace(self) -> dict[tuple[str, str], list[Subject]]:
        index: dict[tuple[str, str], list[Subject]] = {}
        for resource in self.resources:
            try:
                namespace = lookup(resource.props, "metadata", "namespace")
            except UnknownValueError as unknown:
                self._unknown_namespace = self._unknown_namespace or unknown
                continue
            if namespace is not None:
                index.setdefault((resource.type, str(namespace)), []).append(resource)
        return index

    def in_namespace(self, resource_type: str, namespace: str) -> list[Subject]:
        """Resources of a type in a namespace; raises the first unknown namespace if one could be it."""
        found = self._by_namespace.get((resource_type, namespace), [])
        if not found and self._unknown_namespace is not None:
            raise self._unknown_namespace
        return found

    @cached_property
    def _custom_roles(self) -> dict[str, list[Subject]]:
        index: dict[str, list[Subject]] = {}
        for custom_role in self.of_type(types.CUSTOM_ROLE):
            index.setdefault(str(lookup(custom_role.props, "roleId")), []).append(custom_role)
        return index

    def custom_role_for(self, role: str) -> Subject | None:
        """The stack's IAMCustomRole that ``role`` (``projects/<p>/roles/<id>``) names, if any."""
        role_id = custom_role_id(role)
        if role_id is None:
            return None
        for custom_role in self._custom_roles.get(role_id, []):
            project = lookup(custom_role.props, "project")
            if project is None or role.startswith(f"projects/{project}/roles/"):
                return custom_role
        return None

    def custom_role_permissions(self, role: str) -> list[str] | None:
        custom_role = self.custom_role_for(role)
        return None if custom_role is None else strings(lookup(custom_role.props, "permissions"))

    @cached_property
    def _custom_role_members(self) -> dict[str, set[str]]:
        """Custom role URN -> every member a project-level grant gives it to."""
        index: dict[str, set[str]] = {}
        for binding in self.of_type(*types.PROJECT_GRANTS):
            try:
                for grant in grants(binding):
                    custom_role = self.custom_role_for(grant.role)
                    if custom_role is not None:
                        index.setdefault(custom_role.urn, set()).update(grant.members)
            except UnknownValueError as unknown:
                self._unknown_grant = self._unknown_grant or unknown
        return index

    def custom_role_members(self, custom_role: Subject) -> set[str]:
        return self._custom_role_members.get(custom_role.urn, set())

    def unknown_grant(self) -> UnknownValueError | None:
        """The first project grant whose role or member is unknown (after any members lookup)."""
        _ = self._custom_role_members
        return self._unknown_grant

    def has_gpu_pool(self) -> bool:
        return self._has_gpu_pool

    def dns_endpoint(self) -> bool:
        """Whether a cluster of the stack lets user traffic in through its DNS-based endpoint (the path on which
        callers need container.clusters.connect)."""
        return any(
            lookup(cluster.props, "controlPlaneEndpointsConfig", "dnsEndpointConfig", "allowExternalTraffic") is True
            for cluster in self.of_type(types.CLUSTER)
        )

    @cached_property
    def _has_gpu_pool(self) -> bool:
        return any(is_gpu_pool(pool.props) for pool in self.of_type(types.NODE_POOL))
