"""IAM grants as declared by the member, binding and policy resources of pulumi-gcp."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from pulumi_policy.proxy import UnknownValueError

from gke_kpo.cloud.project_grants import BASIC_ROLES, BROAD_GKE_ROLES

from . import resource_types as types
from .props import lookup, strings
from .verdicts import Subject

PREDEFINED_POD_ROLES: Final = BASIC_ROLES | BROAD_GKE_ROLES | {"roles/container.viewer"}
"""Predefined roles that carry container.pods.* (at least get/list)."""

POD_PERMISSION_PREFIX: Final = "container.pods."


@dataclass(frozen=True)
class Grant:
    role: str
    members: tuple[str, ...]


def _policy_data_grants(policy_data: object) -> list[Grant]:
    """Bindings of an authoritative IAMPolicy (its policyData is a JSON document)."""
    try:
        document = json.loads(str(policy_data))
    except ValueError:
        return []
    bindings = document.get("bindings", []) if isinstance(document, dict) else []
    return [
        Grant(str(binding.get("role", "")), tuple(str(member) for member in binding.get("members", [])))
        for binding in bindings
        if isinstance(binding, dict)
    ]


def _members(subject: Subject, unknown_members: str | None) -> tuple[str, ...]:
    """Members of a member/binding resource; when ``unknown_members`` is given it stands in for unknowns."""
    key = "member" if subject.type in (types.PROJECT_IAM_MEMBER, types.SA_IAM_MEMBER) else "members"
    try:
        value = lookup(subject.props, key)
        return tuple(strings(value)) if key == "members" else ((str(value),) if value else ())
    except UnknownValueError:
        if unknown_members is None:
            raise
        return (unknown_members,)


def grants(subject: Subject, unknown_members: str | None = None) -> list[Grant]:
    """The (role, members) pairs a project- or service-account-level IAM resource grants.

    Checks that judge the role alone pass ``unknown_members`` so an unknown member cannot hide a
    forbidden role; checks that match members leave it unset and defer instead.
    """
    if subject.type in (types.PROJECT_IAM_MEMBER, types.SA_IAM_MEMBER, types.PROJECT_IAM_BINDING, types.SA_IAM_BINDING):
        role = str(lookup(subject.props, "role"))
        return [Grant(role, _members(subject, unknown_members))]
    if subject.type in (types.PROJECT_IAM_POLICY, types.SA_IAM_POLICY):
        return _policy_data_grants(lookup(subject.props, "policyData"))
    return []


def custom_role_id(role: str) -> str | None:
    """``projects/<p>/roles/<id>`` (or organizations/...) -> ``<id>``; predefined roles -> None."""
    prefix, separator, role_id = role.rpartition("/roles/")
    return role_id if separator and prefix else None
