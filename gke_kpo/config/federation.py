"""A federated tenant's ``federation:`` fields to ``FederatedIdentitySettings``, with every problem keyed by field.

Airflow on EKS, AKS, Astro Hosted on AWS or any Kubernetes holds a projected service-account token
(an OIDC JWT signed by its cluster's issuer). Google's STS trades it for a federated token, which
impersonates one Google service account; that account is what GKE's RBAC sees. No key exists.
The presets and Google's id rules are in ``gke_kpo.cloud.federation``; the strings Google needs (ids, condition,
members, credential file) are built from these settings alone (``gke_kpo.spec.federation``), so all are known at
preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from gke_kpo.cloud import names
from gke_kpo.cloud.federation import PRESETS, PROVIDER_AUDIENCE_PRESET, SUBJECT_SHAPE
from gke_kpo.config.problems import Problem
from gke_kpo.config.settings import FederatedIdentitySettings
from gke_kpo.config.tenant_fields import FEDERATION_FIELDS, nearest
from gke_kpo.config.values import has_declared_type, wrong_type


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
