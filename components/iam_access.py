"""The one custom IAM role with the KPO permissions, shared by every tenant (each Tenant binds its identity)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from gke_kpo.cloud.permissions import AccessModel, custom_role_permissions
from gke_kpo.cloud.replacement import CUSTOM_ROLE
from gke_kpo.spec import stable_names as stable
from gke_kpo.spec.lifecycle import fixed_name


@dataclass(frozen=True)
class IamAccessArgs:
    project: str
    role_id: str
    access_model: AccessModel
    xcom_push: bool
    """Only matters with access_model project, which allows one tenant: that tenant's xcom_push."""
    dns_endpoint: bool = False
    """Airflow reaches the API through the DNS-based endpoint: the role needs container.clusters.connect."""


class IamAccess(pulumi.ComponentResource):
    permissions: list[str]
    role: gcp.projects.IAMCustomRole
    role_name: str
    """``projects/<p>/roles/<id>``: GKE reads IAM only at project level; written from config, known at preview."""

    def __init__(self, name: str, args: IamAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(stable.IAM_ACCESS, name, None, opts)
        self.permissions = custom_role_permissions(args.access_model, args.xcom_push, args.dns_endpoint)
        self.role_name = f"projects/{args.project}/roles/{args.role_id}"
        self.role = gcp.projects.IAMCustomRole(
            stable.custom_role(args.role_id),
            project=args.project,
            role_id=args.role_id,
            title="Airflow KubernetesPodOperator launcher",
            description=f"Lets Airflow launch KPO pods ({args.access_model.value} access model); managed by gke-kpo.",
            permissions=self.permissions,
            stage="GA",
            # Delete first: the id is fixed. A soft-deleted role keeps its id for a while; the provider's create
            # undeletes it instead of failing (terraform-provider-google resource_google_project_iam_custom_role.go).
            opts=pulumi.ResourceOptions.merge(
                fixed_name(self),
                pulumi.ResourceOptions(aliases=stable.was((stable.IAM_ACCESS,), CUSTOM_ROLE, f"{name}-role")),
            ),
        )
        self.register_outputs({"permissions": self.permissions})
