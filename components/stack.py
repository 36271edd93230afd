"""Wires the components together and returns the stack outputs of the contract."""

from __future__ import annotations

from typing import Any

import pulumi

from components.airflow_identity import AirflowIdentity, AirflowIdentityArgs
from components.cluster import Cluster, ClusterArgs
from components.cluster_identity import cluster_identifier
from components.iam_access import IamAccess, IamAccessArgs
from components.namespace_access import NamespaceAccess, NamespaceAccessArgs
from components.network import Network, NetworkArgs
from gke_kpo import outputs
from gke_kpo.kubeconfig import kubeconfig_yaml
from gke_kpo.node_config import gpu_summary
from gke_kpo.permissions import rbac_rules
from gke_kpo.settings import Settings


def deploy(settings: Settings) -> dict[str, Any]:
    prefix = settings.cluster.name
    network = Network(
        prefix,
        NetworkArgs(settings.project, settings.region, prefix, settings.network),
        # Router and NAT do not hold up the cluster's deletion: protect them with it (components/lifecycle.py).
        pulumi.ResourceOptions(protect=settings.cluster.deletion_protection),
    )
    cluster = Cluster(
        prefix,
        ClusterArgs(
            settings, network.network, network.subnetwork, network.pods_range_name, network.services_range_name
        ),
    )
    identity = AirflowIdentity(f"{prefix}-airflow", AirflowIdentityArgs(settings.project, settings.identity))
    iam = IamAccess(
        f"{prefix}-kpo",
        IamAccessArgs(
            settings.project,
            settings.custom_role_id,
            identity.email,
            settings.access_model,
            settings.xcom_push,
            identity.dependencies,
        ),
    )
    kubeconfig = pulumi.Output.all(cluster.endpoint, cluster.ca_certificate).apply(
        lambda endpoint_and_ca: kubeconfig_yaml(
            settings.project, settings.location, settings.cluster.name, endpoint_and_ca[0], endpoint_and_ca[1]
        )
    )
    access = NamespaceAccess(
        f"{prefix}-tasks",
        NamespaceAccessArgs(
            kubeconfig=kubeconfig,
            cluster_identifier=cluster_identifier(settings),
            settings=settings.namespace,
            identity_email=identity.email,
            access_model=settings.access_model,
            xcom_push=settings.xcom_push,
            has_gpu_pool=settings.gpu is not None,
        ),
        pulumi.ResourceOptions(depends_on=[cluster]),
    )
    return {
        outputs.PROJECT: settings.project,
        outputs.LOCATION: settings.location,
        outputs.CLUSTER_NAME: cluster.name,
        outputs.ENDPOINT: cluster.endpoint,
        outputs.CLUSTER_CA_CERTIFICATE: cluster.ca_certificate,
        outputs.NAMESPACE: access.namespace,
        outputs.AIRFLOW_IDENTITY: identity.email,
        outputs.ACCESS_MODEL: settings.access_model.value,
        outputs.XCOM_PUSH: settings.xcom_push,
        outputs.IAM_PERMISSIONS: iam.permissions,
        outputs.RBAC_RULES: rbac_rules(settings.xcom_push),
        outputs.GPU: gpu_summary(settings.gpu),
        outputs.KUBECONFIG: kubeconfig,
    }
