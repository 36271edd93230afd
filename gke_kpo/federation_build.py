"""The strings Google Cloud needs for federation, built from config alone so they are known at preview.

Formats: Google's 'Configure Workload Identity Federation with Kubernetes' and IAM principal
identifiers (``principal://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/
POOL/subject/SUBJECT``: exactly one external identity, never a ``principalSet`` of the pool).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any, Final

from gke_kpo.federation import FederatedIdentitySettings

ATTRIBUTE_MAPPING: Final = {"google.subject": "assertion.sub"}
SUBJECT_TOKEN_TYPE: Final = "urn:ietf:params:oauth:token-type:jwt"
STS_TOKEN_URL: Final = "https://sts.googleapis.com/v1/token"
IAM_CREDENTIALS_ROOT: Final = "https://iamcredentials.googleapis.com"
CREDENTIALS_FILE_NAME: Final = "gcp-credentials.json"
CREDENTIALS_PATH_IN_IMAGE: Final = "/usr/local/airflow/gke-kpo/gcp-credentials.json"
"""Inside the Astro Runtime image (AIRFLOW_HOME is /usr/local/airflow); only the auth plugin reads it."""

_ID_LIMIT: Final = 32
_RESERVED_ID_PREFIX: Final = "gcp-"
"""Pool and provider ids: 4-32 of [a-z0-9-], starting with a letter; the ``gcp-`` prefix is Google's."""


def pool_id(cluster_name: str) -> str:
    """One pool per stack, named after the cluster (a cluster name starts with a letter)."""
    prefix = "kpo-" if cluster_name.startswith(_RESERVED_ID_PREFIX) else ""
    base = f"{prefix}{cluster_name}"[: _ID_LIMIT - len("-airflow")].rstrip("-")
    return f"{base}-airflow"


def provider_id(issuer: str) -> str:
    """One provider per issuer; a digest keeps it stable, short and distinct for every issuer URL."""
    return f"oidc-{hashlib.sha256(issuer.encode()).hexdigest()[:16]}"


def subject_key(subject: str) -> str:
    """A short stable name part for one subject, so reordering the subject list renames nothing."""
    return hashlib.sha256(subject.encode()).hexdigest()[:10]


def pool_name(project_number: str, pool: str) -> str:
    return f"projects/{project_number}/locations/global/workloadIdentityPools/{pool}"


def provider_audience(project_number: str, pool: str, provider: str) -> str:
    """What the credential file sends STS as ``audience``: the provider's full resource name."""
    return f"//iam.googleapis.com/{pool_name(project_number, pool)}/providers/{provider}"


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


def attribute_condition(subjects: Iterable[str]) -> str:
    """CEL admitting exactly these subjects; JSON string literals are valid CEL string literals."""
    listed = ", ".join(json.dumps(subject) for subject in sorted(set(subjects)))
    return f"assertion.sub in [{listed}]"


def principal_member(project_number: str, pool: str, subject: str) -> str:
    return f"principal://iam.googleapis.com/{pool_name(project_number, pool)}/subject/{subject}"


def impersonation_url(email: str, iam_credentials_root: str = IAM_CREDENTIALS_ROOT) -> str:
    return f"{iam_credentials_root}/v1/projects/-/serviceAccounts/{email}:generateAccessToken"


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


def credential_file(config: dict[str, Any]) -> str:
    return json.dumps(config, indent=2, sort_keys=True) + "\n"
