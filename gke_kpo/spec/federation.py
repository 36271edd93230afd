"""What the federated tenants' identities become in Google Cloud: one provider per issuer, its audiences, and the
credential file each Airflow deployment reads (formats: ``gke_kpo.cloud.federation``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gke_kpo.cloud.federation import (
    IAM_CREDENTIALS_ROOT,
    STS_TOKEN_URL,
    SUBJECT_TOKEN_TYPE,
    impersonation_url,
    provider_audience,
    provider_id,
)
from gke_kpo.config.settings import FederatedIdentitySettings


def by_issuer(identities: Iterable[FederatedIdentitySettings]) -> dict[str, list[FederatedIdentitySettings]]:
    """The identities each provider serves (one provider per issuer)."""
    groups: dict[str, list[FederatedIdentitySettings]] = {}
    for identity in identities:
        groups.setdefault(identity.issuer, []).append(identity)
    return groups


def allowed_audiences(identities: Iterable[FederatedIdentitySettings], project_number: str, pool: str) -> list[str]:
    """One provider's explicit allow-list: each of its identities' token audience (the provider's name when
    empty); never empty, so Google's implicit default is never relied on unseen."""
    audiences = {
        identity.audience or "https:" + provider_audience(project_number, pool, provider_id(identity.issuer))
        for identity in identities
    }
    return sorted(audiences)


def credential_config(
    identity: FederatedIdentitySettings,
    project_number: str,
    pool: str,
    email: str,
    sts_token_url: str = STS_TOKEN_URL,
    iam_credentials_root: str = IAM_CREDENTIALS_ROOT,
) -> dict[str, Any]:
    """The ``external_account`` file ADC reads (what ``gcloud iam workload-identity-pools create-cred-config
    --credential-source-file`` writes); it names where the token is, and holds no secret."""
    return {
        "universe_domain": "googleapis.com",
        "type": "external_account",
        "audience": provider_audience(project_number, pool, provider_id(identity.issuer)),
        "subject_token_type": SUBJECT_TOKEN_TYPE,
        "token_url": sts_token_url,
        "credential_source": {"file": identity.token_path, "format": {"type": "text"}},
        "service_account_impersonation_url": impersonation_url(email, iam_credentials_root),
    }
