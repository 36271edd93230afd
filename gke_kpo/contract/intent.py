"""How the stack tells the policy pack what it meant to build.

Every tenant Namespace carries these labels and annotations. They are derived from stack config only,
so they are known during ``pulumi preview``; the pack reads intent from them instead of from values
that only exist after ``pulumi up`` (e-mails of created accounts, role names returned by the API).
"""

from __future__ import annotations

from typing import Final

from gke_kpo.contract.outputs import GPU_TAINT

XCOM_PUSH_LABEL: Final = "gke-kpo/xcom-push"
"""``"true"`` | ``"false"``: whether KPO tasks push XCom (needs ``pods/exec``)."""

ACCESS_MODEL_LABEL: Final = "gke-kpo/access-model"
"""An ``AccessModel`` value: ``"namespaced"`` | ``"project"``."""

GPU_POOL_LABEL: Final = "gke-kpo/gpu-pool"
"""``"true"`` | ``"false"``: whether the stack declares a GPU node pool."""

AIRFLOW_IDENTITY_ANNOTATION: Final = "gke-kpo/airflow-identity"
"""The Airflow Google service account e-mail (RBAC subject name, IAM ``serviceAccount:`` member)."""

EGRESS_LABEL: Final = "gke-kpo/egress"
"""The tenant's egress mode (``internet`` | ``google-apis`` | ``none``); its NetworkPolicies are the fence."""

TRUE: Final = "true"
FALSE: Final = "false"

TENANT_LABEL: Final = "gke-kpo/tenant"
"""The tenant (``gke-kpo:tenants`` key) that owns the namespace."""

TASK_SERVICE_ACCOUNT_ANNOTATION: Final = "gke-kpo/task-service-account"
"""The tenant's task Google service account e-mail, when it has one."""


GPU_QUOTA_KEY = f"requests.{GPU_TAINT['key']}"
"""Kubernetes only quotas extended resources such as GPUs through the ``requests.`` prefix."""


LAUNCHER_ROLE = "kpo-launcher"
