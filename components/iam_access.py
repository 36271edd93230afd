"""The custom IAM role with the KPO permissions, bound to the Airflow identity at project level."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.lifecycle import fixed_name
from gke_kpo.permissions import AccessModel, custom_role_permissions


@dataclass(frozen=True)
class IamAccessArgs:
    project: str
    role_id: str
    identity_email: str
    access_model: AccessModel
    xcom_push: bool
    identity_dependencies: list[pulumi.Resource]


class IamAccess(pulumi.ComponentResource):
    permissions: list[str]

    def __init__(self, name: str, args: IamAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("gke-kpo:index:IamAccess", name, None, opts)
        self.permissions = custom_role_permissions(args.access_model, args.xcom_push)
        role = gcp.projects.IAMCustomRole(
            f"{name}-role",
            project=args.project,
            role_id=args.role_id,
            title="Airflow KubernetesPodOperator launcher",
            description=f"Lets Airflow launch KPO pods ({args.access_model.value} access model); managed by gke-kpo.",
            permissions=self.permissions,
            stage="GA",
            # Delete first: the id is fixed. A soft-deleted role keeps its id for a while; the provider's create
            # undeletes it instead of failing (terraform-provider-google resource_google_project_iam_custom_role.go).
            opts=fixed_name(self),
        )
        # GKE reads IAM only at project level; the role id is written from config so it is known at preview.
        gcp.projects.IAMMember(
            f"{name}-binding",
            project=args.project,
            role=f"projects/{args.project}/roles/{args.role_id}",
            member=f"serviceAccount:{args.identity_email}",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role, *args.identity_dependencies]),
        )
        self.register_outputs({"permissions": self.permissions})
