"""Workload Identity Federation for Airflow outside Google Cloud: typed settings, presets, validation.

Airflow on EKS, AKS, Astro Hosted on AWS or any Kubernetes holds a projected service-account token
(an OIDC JWT signed by its cluster's issuer). Google's STS trades it for a federated token, which
impersonates one Google service account; that account is what GKE's RBAC sees. No key exists.
The strings Google needs (ids, condition, members, credential file) are built in
``gke_kpo.federation_build`` from these settings alone, so they are all known at preview.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from gke_kpo import names
from gke_kpo.config_schema import has_declared_type, wrong_type
from gke_kpo.errors import Problem
from gke_kpo.tenant_schema import FEDERATION_FIELDS, nearest


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


@dataclass(frozen=True)
class FederatedIdentitySettings:
    """One Airflow deployment outside Google Cloud, and the Google service account it becomes."""

    issuer: str
    subjects: tuple[str, ...]
    audience: str
    """The token's ``aud``; "" = the provider's resource name (the ``kubernetes`` preset)."""
    token_path: str
    account_id: str
    """The Google service account id (6-30 characters); its e-mail is what RBAC binds."""
    preset: str = ""
    kubernetes_issuer: bool = True
    """False for an issuer whose subjects are not Kubernetes service accounts (then any shape is taken)."""


SUBJECT_SHAPE: Final = re.compile(
    r"^system:serviceaccount:(?P<namespace>[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)"
    r":(?P<account>[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)$"
)
PROJECT_NUMBER: Final = re.compile(r"^[1-9][0-9]{5,18}$")
PROJECT_NUMBER_FIX: Final = "gcloud projects describe PROJECT --format='value(projectNumber)'"


def from_fields(
    fields: Mapping[str, Any], path: str, default_account_id: str
) -> tuple[FederatedIdentitySettings, list[Problem]]:
    """Settings from a config object (``FEDERATION_FIELDS``) with preset defaults; problems keyed ``path.<field>``."""
    problems = _field_problems(fields, path)
    fields = {key: value for key, value in fields.items() if not any(p.key == f"{path}.{key}" for p in problems)}
    preset_name = str(fields.get("preset", ""))
    preset = PRESETS.get(preset_name)
    if preset_name and preset is None:
        problems.append(
            Problem(f"{path}.preset", f"{preset_name!r} is not a preset", f"use one of {', '.join(PRESETS)}")
        )
    subjects = fields.get("subjects", [])
    settings = FederatedIdentitySettings(
        issuer=str(fields.get("issuer", "")),
        subjects=tuple(subjects),
        audience=str(fields.get("audience", preset.audience if preset else "")),
        token_path=str(fields.get("token_path", preset.token_path if preset else "")),
        account_id=str(fields.get("account_id", default_account_id)),
        preset=preset_name,
        kubernetes_issuer=bool(fields.get("kubernetes_issuer", True)),
    )
    reported = {problem.key for problem in problems}
    if preset_name and preset is None:
        # The misspelt preset would have filled them: report it alone, not its missing defaults too.
        reported |= {f"{path}.{key}" for key in ("audience", "token_path") if key not in fields}
    return settings, problems + [problem for problem in validate(settings, path) if problem.key not in reported]


def _field_problems(fields: Mapping[str, Any], path: str) -> list[Problem]:
    """Unknown fields, and values of another YAML type (``subjects: worker`` is no list)."""
    declared = {field.name: field.type for field in FEDERATION_FIELDS}
    problems = []
    for key, value in fields.items():
        if key not in declared:
            problems.append(Problem(f"{path}.{key}", "is not a federation field", nearest(key, FEDERATION_FIELDS)))
        elif not has_declared_type(value, declared[key]) or (
            declared[key] == "array" and not all(isinstance(item, str) for item in value)
        ):
            problems.append(Problem(f"{path}.{key}", *wrong_type(value, declared[key])))
    return problems


def validate(settings: FederatedIdentitySettings, path: str) -> list[Problem]:
    """Each problem of the settings, keyed ``<path>.<field>``, naming the fix."""
    problems = [
        *_issuer_problems(settings, path),
        *_subject_problems(settings, path),
        *_audience_problems(settings, path),
    ]
    if not settings.token_path.startswith("/"):
        problems.append(
            Problem(
                f"{path}.token_path",
                f"{settings.token_path!r} is not an absolute path",
                "give the absolute path of the projected token file inside the Airflow containers",
            )
        )
    reason = names.account_id_problem(settings.account_id)
    if reason:
        problems.append(Problem(f"{path}.account_id", reason, "choose a 6-30 character service account id"))
    return problems


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


def _issuer_problems(settings: FederatedIdentitySettings, path: str) -> list[Problem]:
    if not settings.issuer:
        return [
            Problem(
                f"{path}.issuer",
                "is missing",
                "set it to the https:// OIDC issuer of Airflow's cluster, exactly as the token's 'iss' claim spells "
                "it (README, Airflow outside Google Cloud)",
            )
        ]
    parts = urlsplit(settings.issuer)
    if parts.scheme == "https" and parts.netloc and not parts.query and not parts.fragment:
        return []
    return [
        Problem(
            f"{path}.issuer",
            f"{settings.issuer!r} is not an https:// issuer URL",
            "use the cluster's OIDC issuer exactly as the token's 'iss' claim spells it; Google fetches its "
            "keys over https only",
        )
    ]


def _subject_problems(settings: FederatedIdentitySettings, path: str) -> list[Problem]:
    key = f"{path}.subjects"
    if not settings.subjects:
        return [Problem(key, "is empty", "list each system:serviceaccount:<namespace>:<name> that runs Airflow tasks")]
    problems = [
        Problem(key, f"{subject!r} is listed twice", "list each subject once")
        for index, subject in enumerate(settings.subjects)
        if subject in settings.subjects[:index]
    ]
    for subject in settings.subjects:
        if not subject.strip() or "*" in subject:
            problems.append(Problem(key, f"{subject!r} is not one subject", "list exact subjects, no wildcards"))
        elif settings.kubernetes_issuer and not SUBJECT_SHAPE.match(subject):
            problems.append(
                Problem(
                    key,
                    f"{subject!r} is not system:serviceaccount:<namespace>:<service account>",
                    "copy the token's 'sub' claim, or set kubernetes_issuer: false for a non-Kubernetes issuer",
                )
            )
    return problems


def _audience_problems(settings: FederatedIdentitySettings, path: str) -> list[Problem]:
    audience = settings.audience
    if not audience and settings.preset != PROVIDER_AUDIENCE_PRESET:
        return [
            Problem(
                f"{path}.audience",
                "is empty",
                "give the token's exact 'aud' claim, or use preset: kubernetes to accept the provider's own name",
            )
        ]
    if "*" in audience or audience != audience.strip():
        return [
            Problem(
                f"{path}.audience",
                f"{audience!r} is not one exact audience",
                "give the token's exact 'aud' claim",
            )
        ]
    return []
