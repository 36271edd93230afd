"""no-project-wide-pod-access: make every project-level grant of container.pods.* visible.

GKE only honours IAM at project level, so such a grant reaches every namespace of every cluster in
the project. It is expected with the ``project`` access model, hence advisory by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from . import resource_types as types
from .config_hints import relax, set_key
from .iam import POD_PERMISSION_PREFIX, PREDEFINED_POD_ROLES, grants
from .policy_kit import stack_validation
from .stack_facts import StackFacts
from .verdicts import Subject


def _pod_permissions(role: str, facts: StackFacts) -> list[str]:
    if role in PREDEFINED_POD_ROLES:
        return [f"{POD_PERMISSION_PREFIX}* (through {role})"]
    permissions = facts.custom_role_permissions(role) or []
    return sorted(p for p in permissions if p.startswith(POD_PERMISSION_PREFIX))


def _project_grant(subject: Subject, facts: StackFacts) -> Iterator[str]:
    for grant in grants(subject):
        pod_permissions = _pod_permissions(grant.role, facts)
        if pod_permissions:
            yield subject.says(
                f"grants {', '.join(pod_permissions)} at project level to {', '.join(grant.members)}; this "
                "reaches every namespace of every cluster in the project.",
                f"{set_key('access_model', 'namespaced')} (pod permissions in the namespaced Role, only "
                "container.clusters.get in IAM), or accept it knowingly in the project model (this policy is "
                f"advisory; {relax('no-project-wide-pod-access', 'enforcementLevel', 'disabled')} silences it).",
            )


POLICY: Final = StackValidationPolicy(
    name="no-project-wide-pod-access",
    description="Reports project-level IAM grants that carry container.pods.* (they reach every namespace).",
    severity=Severity.HIGH,
    enforcement_level=EnforcementLevel.ADVISORY,
    remediation_steps="Prefer gke-kpo:access_model: namespaced (Pulumi.<stack>.yaml); see 'Access models', README.md.",
    validate=stack_validation({grant_type: [_project_grant] for grant_type in types.PROJECT_GRANTS}),
)
