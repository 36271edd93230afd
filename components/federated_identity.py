"""Workload Identity Federation: one pool per stack, one OIDC provider per issuer (``FederationPool``),
and per federated identity the grants that let only its listed subjects impersonate the tenant's Google service
account (``FederatedAccount``). Every id, condition and member is built from config, so known at preview.

Provider facts (pulumi-gcp bridges terraform-provider-google; settled from its docs and trackers):
- ``workloadIdentityPoolId``, ``workloadIdentityPoolProviderId`` and ``project`` force replacement;
  ``oidc.issuerUri``, ``oidc.allowedAudiences``, ``attributeCondition`` and ``attributeMapping`` update
  in place. The provider id is derived from the issuer, so a changed issuer is a new provider.
- Deleting a pool or provider only soft-deletes it for 30 days, and its id cannot be reused meanwhile:
  re-creating a destroyed stack fails with "Error 409: Requested entity already exists"
  (pulumi/pulumi-gcp#1149, hashicorp/terraform-provider-google#14191). Undelete and import it, or
  choose another pool id: see docs/federation.md.
- So pool and providers keep Pulumi's create-before-delete: every replace-forcing change gives a new id or
  project (no collision), and deleting first would not free the id anyway. The stack protects the pool
  with the cluster, so ``pulumi destroy`` of a protected stack does not soft-delete it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp

from gke_kpo.cloud import federation as build
from gke_kpo.cloud.names import service_account_email
from gke_kpo.cloud.replacement import (
    SERVICE_ACCOUNT_IAM_MEMBER,
    WORKLOAD_IDENTITY_POOL,
    WORKLOAD_IDENTITY_POOL_PROVIDER,
)
from gke_kpo.config.settings import FederatedIdentitySettings
from gke_kpo.spec import stable_names as stable
from gke_kpo.spec.federation import allowed_audiences, by_issuer, credential_config

WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"


@dataclass(frozen=True)
class FederationPoolArgs:
    project: str
    project_number: str
    """Configured, because members and the audience need it at preview; checked against Google at up."""
    pool_id: str
    identities: tuple[FederatedIdentitySettings, ...]


class ProjectNumberMismatchError(ValueError):
    pass


def check_project_number(project: str, configured: str, actual: str | None) -> str:
    """The configured number, once Google's answer (None under mocks or before up) agrees with it."""
    if actual and str(actual) != configured:
        raise ProjectNumberMismatchError(
            f"gke-kpo: project_number is {configured} but project {project} has number {actual}. "
            f"Fix: set it to the output of gcloud projects describe {project} --format='value(projectNumber)'"
        )
    return configured


class FederationPool(pulumi.ComponentResource):
    """The stack's pool and its providers; ``resources`` is what a federated account's grants wait for."""

    pool_id: str
    resources: list[pulumi.Resource]

    def __init__(self, name: str, args: FederationPoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(stable.FEDERATION_POOL, name, None, opts)
        self.pool_id = args.pool_id
        pool = gcp.iam.WorkloadIdentityPool(
            stable.pool(args.pool_id),
            project=args.project,
            workload_identity_pool_id=args.pool_id,
            display_name="Airflow outside Google Cloud",
            description="Airflow workers federated by gke-kpo; one provider per cluster issuer.",
            opts=pulumi.ResourceOptions(
                parent=self, aliases=stable.was((stable.FEDERATION_POOL,), WORKLOAD_IDENTITY_POOL, f"{name}-pool")
            ),
        )
        self.resources = [pool]
        for issuer, identities in by_issuer(args.identities).items():
            self.resources.append(self._oidc_provider(name, args, issuer, identities, pool))
        project = gcp.organizations.get_project_output(
            project_id=args.project, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        checked = project.number.apply(lambda actual: check_project_number(args.project, args.project_number, actual))
        self.register_outputs({"pool_id": args.pool_id, "project_number": checked})

    def _oidc_provider(
        self,
        name: str,
        args: FederationPoolArgs,
        issuer: str,
        identities: list[FederatedIdentitySettings],
        pool: gcp.iam.WorkloadIdentityPool,
    ) -> gcp.iam.WorkloadIdentityPoolProvider:
        provider_id = build.provider_id(issuer)
        subjects = [subject for identity in identities for subject in identity.subjects]
        return gcp.iam.WorkloadIdentityPoolProvider(
            stable.pool_provider(args.pool_id, provider_id),
            project=args.project,
            workload_identity_pool_id=args.pool_id,
            workload_identity_pool_provider_id=provider_id,
            display_name=provider_id,
            description=f"Kubernetes issuer {issuer}"[:256],
            attribute_mapping=dict(build.ATTRIBUTE_MAPPING),
            attribute_condition=build.attribute_condition(subjects),
            oidc=gcp.iam.WorkloadIdentityPoolProviderOidcArgs(
                issuer_uri=issuer,
                allowed_audiences=allowed_audiences(identities, args.project_number, args.pool_id),
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[pool],
                aliases=stable.was((stable.FEDERATION_POOL,), WORKLOAD_IDENTITY_POOL_PROVIDER, f"{name}-{provider_id}"),
            ),
        )


@dataclass(frozen=True)
class FederatedAccountArgs:
    project: str
    project_number: str
    pool: FederationPool
    identity: FederatedIdentitySettings
    account: gcp.serviceaccount.Account
    """The Google service account the identity becomes, declared by its tenant in every identity mode (the same
    logical resource in gke and federated mode: gke_kpo/spec/stable_names.py)."""


class FederatedAccount(pulumi.ComponentResource):
    """Who may become the tenant's Google service account (RBAC's ``User``, the custom role's member): one grant
    per listed subject of its issuer."""

    email: str
    credential_config: dict[str, Any]

    def __init__(self, name: str, args: FederatedAccountArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(stable.FEDERATED_ACCOUNT, name, None, opts)
        identity = args.identity
        self.email = service_account_email(identity.account_id, args.project)
        self.credential_config = credential_config(identity, args.project_number, args.pool.pool_id, self.email)
        for subject in identity.subjects:
            key = build.subject_key(subject)
            # One principal per subject: a principalSet of the pool would admit every workload of the issuer.
            gcp.serviceaccount.IAMMember(
                stable.subject_grant(identity.account_id, key),
                service_account_id=args.account.name,
                role=WORKLOAD_IDENTITY_USER,
                member=build.principal_member(args.project_number, args.pool.pool_id, subject),
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[args.account, *args.pool.resources],
                    aliases=stable.was(
                        (stable.TENANT, stable.FEDERATED_ACCOUNT), SERVICE_ACCOUNT_IAM_MEMBER, f"{name}-subject-{key}"
                    ),
                ),
            )
        self.register_outputs({"email": self.email, "credential_config": self.credential_config})
