"""The identity Airflow authenticates as, and (self-hosted mode) its Workload Identity binding."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from gke_kpo.settings import IdentityMode, IdentitySettings

WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"


@dataclass(frozen=True)
class AirflowIdentityArgs:
    project: str
    settings: IdentitySettings


class AirflowIdentity(pulumi.ComponentResource):
    """``astro``: the Deployment's service account exists already, nothing is created.

    ``gke``: a Google service account for self-hosted Airflow, which only Airflow's Kubernetes
    service account may impersonate (the grant sits on the account, not on the project).
    """

    email: str
    dependencies: list[pulumi.Resource]

    def __init__(self, name: str, args: AirflowIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("gke-kpo:index:AirflowIdentity", name, None, opts)
        identity = args.settings
        self.email = identity.email
        self.dependencies = []
        if identity.mode is IdentityMode.GKE:
            account = gcp.serviceaccount.Account(
                f"{name}-gsa",
                project=args.project,
                account_id=identity.gsa_name,
                display_name="Airflow KubernetesPodOperator launcher",
                opts=pulumi.ResourceOptions(parent=self),
            )
            gcp.serviceaccount.IAMMember(
                f"{name}-workload-identity",
                service_account_id=account.name,
                role=WORKLOAD_IDENTITY_USER,
                member=identity.workload_identity_member,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.dependencies = [account]
        self.register_outputs({"email": self.email})
