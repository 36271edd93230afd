"""Cross-resource facts a stack policy needs: intent, custom roles and GPU pools."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from . import resource_types as types
from .gpu import is_gpu_pool
from .iam import custom_role_id
from .props import lookup, strings
from .stack_intent import StackIntents, read_intents
from .verdicts import Subject


class StackFacts:
    def __init__(self, resources: Sequence[Subject], config: Mapping[str, Any]) -> None:
        self.resources = list(resources)
        self.config = config

    def of_type(self, *resource_types: str) -> list[Subject]:
        return [resource for resource in self.resources if resource.type in resource_types]

    @cached_property
    def intents(self) -> StackIntents:
        """Read once per stack: policies ask per resource, and a stack may hold a hundred tenants."""
        return read_intents(self.of_type(types.NAMESPACE))

    def custom_role_for(self, role: str) -> Subject | None:
        """The stack's IAMCustomRole that ``role`` (``projects/<p>/roles/<id>``) names, if any."""
        role_id = custom_role_id(role)
        if role_id is None:
            return None
        for custom_role in self.of_type(types.CUSTOM_ROLE):
            project = lookup(custom_role.props, "project")
            if lookup(custom_role.props, "roleId") != role_id:
                continue
            if project is None or role.startswith(f"projects/{project}/roles/"):
                return custom_role
        return None

    def custom_role_permissions(self, role: str) -> list[str] | None:
        custom_role = self.custom_role_for(role)
        return None if custom_role is None else strings(lookup(custom_role.props, "permissions"))

    def has_gpu_pool(self) -> bool:
        return any(is_gpu_pool(pool.props) for pool in self.of_type(types.NODE_POOL))
