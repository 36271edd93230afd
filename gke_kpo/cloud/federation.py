"""Workload Identity Federation facts: Google's id rules and string formats (all computable from config, so known
at preview), and the token paths and audiences of the Airflow clusters a preset stands for.

Formats: Google's 'Configure Workload Identity Federation with Kubernetes' and IAM principal
identifiers (``principal://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/
POOL/subject/SUBJECT``: exactly one external identity, never a ``principalSet`` of the pool).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

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


def attribute_condition(subjects: Iterable[str]) -> str:
    """CEL admitting exactly these subjects; JSON string literals are valid CEL string literals."""
    listed = ", ".join(json.dumps(subject) for subject in sorted(set(subjects)))
    return f"assertion.sub in [{listed}]"


def principal_member(project_number: str, pool: str, subject: str) -> str:
    return f"principal://iam.googleapis.com/{pool_name(project_number, pool)}/subject/{subject}"


def impersonation_url(email: str, iam_credentials_root: str = IAM_CREDENTIALS_ROOT) -> str:
    return f"{iam_credentials_root}/v1/projects/-/serviceAccounts/{email}:generateAccessToken"


def credential_file(config: dict[str, Any]) -> str:
    return json.dumps(config, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class Preset:
    """Defaults for one kind of Airflow cluster, and what a user must still look up."""

    name: str
    token_path: str
    audience: str
    """The ``aud`` of the token at ``token_path``; "" = the provider's own resource name (Google's default)."""
    issuer_hint: str
    subject_hint: str
    verified: str
    """Which of these values public documentation confirms, and where; the rest the user checks."""


IRSA_TOKEN_PATH: Final = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"


IRSA_AUDIENCE: Final = "sts.amazonaws.com"


AKS_TOKEN_PATH: Final = "/var/run/secrets/azure/tokens/azure-identity-token"


AKS_AUDIENCE: Final = "api://AzureADTokenExchange"


PROJECTED_TOKEN_PATH: Final = "/var/run/secrets/gke-kpo/serviceaccount/token"
"""Where the README's projected-volume snippet mounts a token whose audience is the provider."""


PROVIDER_AUDIENCE_PRESET: Final = "kubernetes"
"""The preset whose tokens carry the provider's resource name as audience (Google's default)."""


PRESETS: Final = {
    preset.name: preset
    for preset in (
        Preset(
            "astro-aws",
            IRSA_TOKEN_PATH,
            IRSA_AUDIENCE,
            "the Astro cluster's EKS OIDC issuer: read the 'iss' claim of the token at the token path in a "
            "worker (Astronomer does not publish it per cluster)",
            "the Deployment's worker and triggerer service accounts: read the 'sub' claim the same way",
            "token path and audience: the EKS pod identity webhook (aws/amazon-eks-pod-identity-webhook README) "
            "mounts the IRSA token there with audience sts.amazonaws.com once an IAM role is attached to the "
            "Deployment (Astro 'Authorize Deployments to your cloud', AWS tab). Not verified: that Astro keeps "
            "the webhook defaults, the issuer, the subjects.",
        ),
        Preset(
            "eks",
            IRSA_TOKEN_PATH,
            IRSA_AUDIENCE,
            "aws eks describe-cluster --name CLUSTER --query cluster.identity.oidc.issuer",
            "system:serviceaccount:<namespace>:<service account> of the Airflow workers and triggerer",
            "issuer command, token path and audience: aws/amazon-eks-pod-identity-webhook README (IRSA).",
        ),
        Preset(
            "aks",
            AKS_TOKEN_PATH,
            AKS_AUDIENCE,
            "az aks show -n CLUSTER -g GROUP --query oidcIssuerProfile.issuerUrl (OIDC issuer enabled)",
            "system:serviceaccount:<namespace>:<service account> of the Airflow workers and triggerer",
            "issuer: Google's 'Configure Workload Identity Federation with Kubernetes' (AKS tab); token path: "
            "Azure workload identity 'Mutating Admission Webhook' docs. Not verified here: the audience; check "
            "the 'aud' of the token at AZURE_FEDERATED_TOKEN_FILE in a worker.",
        ),
        Preset(
            PROVIDER_AUDIENCE_PRESET,
            PROJECTED_TOKEN_PATH,
            "",
            "kubectl get --raw /.well-known/openid-configuration (the 'issuer'); it must be reachable by Google",
            "system:serviceaccount:<namespace>:<service account> of the Airflow workers and triggerer",
            "audience: Google accepts the provider's full resource name when no audience is configured "
            "(WorkloadIdentityPoolProvider.Oidc.allowed_audiences, IAM API reference); the projected volume "
            "is yours to mount at the token path.",
        ),
    )
}


SUBJECT_SHAPE: Final = re.compile(
    r"^system:serviceaccount:(?P<namespace>[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)"
    r":(?P<account>[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)$"
)


PROJECT_NUMBER: Final = re.compile(r"^[1-9][0-9]{5,18}$")


def project_number_fix(project: str) -> str:
    """The command that prints the number of ``project``."""
    return f"gcloud projects describe {project or 'PROJECT'} --format='value(projectNumber)'"


def project_number_problem(value: str) -> str | None:
    """The number (not the id) is in every principal:// member and in the provider's audience."""
    return None if PROJECT_NUMBER.match(value) else f"{value!r} is not a project number (digits only)"


POOL_ID: Final = re.compile(r"^[a-z][a-z0-9-]{2,30}[a-z0-9]$")


def pool_id_problem(value: str) -> str | None:
    """Google's rule for pool (and provider) ids: 4-32 of [a-z0-9-], a letter first; ``gcp-`` is reserved."""
    if not POOL_ID.match(value):
        return f"{value!r} is not 4-32 characters of a-z, 0-9 and -, starting with a letter"
    if value.startswith("gcp-"):
        return f"{value!r} starts with gcp-, which Google reserves"
    return None
