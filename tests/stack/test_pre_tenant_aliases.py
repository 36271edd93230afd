"""A one-tenant stack keeps the objects a stack made before tenants created (docs/upgrade-to-tenants.md).

The expected URNs are spelled out from the pre-tenant program (git 33c2864^: NamespaceAccess ``<cluster>-tasks``
with its provider and namespace objects, AirflowIdentity ``<cluster>-airflow``, IamAccess ``<cluster>-kpo``), so a
renamed Tenant child or a changed alias table fails here instead of deleting a namespace on a real upgrade.
"""

from __future__ import annotations

import json

from gke_kpo.cloud import replacement as review
from tests.stack.conftest import OptionsFor
from tests.stack.options import Recorded

OLD = "urn:pulumi:prod::gke-kpo::"
PROD_TENANT = "kpo-prod-airflow-prod"
GKE_TENANT = {"airflow-prod": {"namespace": "airflow-kpo", "identity_mode": "gke"}}


def aliases_by_name(options: Recorded) -> dict[str, tuple[str, ...]]:
    return {name: declared.aliases for (_, name), declared in options.items() if declared.aliases}


def previous(type_: str, suffix: str) -> str:
    """The URN the same child had while Tenant children were named ``<cluster>-<tenant>-<suffix>``."""
    return f"{OLD}gke-kpo:index:Tenant${type_}::{PROD_TENANT}-{suffix}"


def test_one_tenant_stack_aliases_its_namespace_objects_binding_and_provider(options_for: OptionsFor) -> None:
    """Each child answers to its pre-tenant URN first, then to its previous Tenant-child URN (stable_names.py)."""
    assert aliases_by_name(options_for("prod")) == {
        "airflow-kpo-namespace": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:core/v1:Namespace::kpo-prod-tasks-namespace",
            previous(review.NAMESPACE, "namespace"),
        ),
        "airflow-kpo-role": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:rbac.authorization.k8s.io/v1:Role::kpo-prod-tasks-role",
            previous(review.ROLE, "role"),
        ),
        "airflow-kpo-role-binding": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
            "::kpo-prod-tasks-role-binding",
            previous(review.ROLE_BINDING, "role-binding"),
        ),
        "airflow-kpo-quota": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:core/v1:ResourceQuota::kpo-prod-tasks-quota",
            previous(review.RESOURCE_QUOTA, "quota"),
        ),
        "airflow-kpo-limits": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:core/v1:LimitRange::kpo-prod-tasks-limits",
            previous(review.LIMIT_RANGE, "limits"),
        ),
        "astro-prod-deployment@acme-airflow-prod-binding": (
            OLD + "gke-kpo:index:IamAccess$gcp:projects/iAMMember:IAMMember::kpo-prod-kpo-binding",
            previous(review.PROJECT_IAM_MEMBER, "binding"),
        ),
        "kpo-prod-kubernetes": (
            OLD + "gke-kpo:index:NamespaceAccess$pulumi:providers:kubernetes::kpo-prod-tasks-provider",
        ),
        "kpo_prod_kpo_launcher-role": (
            OLD + "gke-kpo:index:IamAccess$gcp:projects/iAMCustomRole:IAMCustomRole::kpo-prod-kpo-role",
        ),
    }


def test_alias_urns_name_the_resource_own_type(options_for: OptionsFor) -> None:
    for (type_, name), declared in options_for("prod").items():
        for alias in declared.aliases:
            assert f"${type_}::" in alias, (name, alias)


def test_one_gke_tenant_keeps_its_google_service_account_and_workload_identity_grant(options_for: OptionsFor) -> None:
    aliases = aliases_by_name(options_for("prod", tenants=json.dumps(GKE_TENANT)))
    assert aliases["airflow-airflow-prod-gsa"] == (
        OLD + "gke-kpo:index:AirflowIdentity$gcp:serviceaccount/account:Account::kpo-prod-airflow-gsa",
        previous(review.SERVICE_ACCOUNT, "airflow-gsa"),
        OLD
        + f"gke-kpo:index:Tenant$gke-kpo:index:FederatedAccount${review.SERVICE_ACCOUNT}::{PROD_TENANT}-federated-gsa",
    )
    assert aliases["airflow-airflow-prod-gsa-workload-identity"] == (
        OLD
        + "gke-kpo:index:AirflowIdentity$gcp:serviceaccount/iAMMember:IAMMember::kpo-prod-airflow-workload-identity",
        previous(review.SERVICE_ACCOUNT_IAM_MEMBER, "airflow-workload-identity"),
    )


def test_aliases_keep_the_other_options(options_for: OptionsFor) -> None:
    options = options_for("prod", tenants=json.dumps(GKE_TENANT))
    namespace = options[(review.NAMESPACE, "airflow-kpo-namespace")]
    assert namespace.protect is True
    account = options[(review.SERVICE_ACCOUNT, "airflow-airflow-prod-gsa")]
    assert account.delete_before_replace is True


def test_several_tenants_alias_only_their_previous_names(options_for: OptionsFor) -> None:
    """Two tenants cannot both claim the one old namespace: a stack migrates with one, then adds the others."""
    pre_tenant = ("NamespaceAccess", "AirflowIdentity", "IamAccess$gcp:projects/iAMMember")
    aliases = [alias for found in aliases_by_name(options_for("dev")).values() for alias in found]
    assert aliases and not [alias for alias in aliases if any(old in alias for old in pre_tenant)]
