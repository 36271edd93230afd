"""The pack's name and policies. Constructing ``PolicyPack`` is left to ``policies/__main__.py``."""

from __future__ import annotations

from typing import Final

from pulumi_policy import Policy

from . import (
    custom_role_least_privilege,
    federation_pinned,
    gke_hardening,
    gpu_cost_guard,
    namespace_guardrails,
    no_broad_roles,
    no_project_wide_pod_access,
    rbac_least_privilege,
    stack_complete,
    tenant_isolation,
    tenant_network_fence,
)

PACK_NAME: Final = "gke-kpo"

POLICIES: Final[list[Policy]] = [
    custom_role_least_privilege.POLICY,
    no_project_wide_pod_access.POLICY,
    no_broad_roles.POLICY,
    gke_hardening.POLICY,
    gpu_cost_guard.POLICY,
    rbac_least_privilege.POLICY,
    namespace_guardrails.POLICY,
    stack_complete.POLICY,
    tenant_isolation.POLICY,
    tenant_network_fence.POLICY,
    federation_pinned.POLICY,
]
