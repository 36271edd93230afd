"""Resource type tokens, exactly as the engine sends them."""

from __future__ import annotations

from typing import Final

CLUSTER: Final = "gcp:container/cluster:Cluster"
NODE_POOL: Final = "gcp:container/nodePool:NodePool"

CUSTOM_ROLE: Final = "gcp:projects/iAMCustomRole:IAMCustomRole"
PROJECT_IAM_MEMBER: Final = "gcp:projects/iAMMember:IAMMember"
PROJECT_IAM_BINDING: Final = "gcp:projects/iAMBinding:IAMBinding"
PROJECT_IAM_POLICY: Final = "gcp:projects/iAMPolicy:IAMPolicy"
PROJECT_GRANTS: Final = frozenset({PROJECT_IAM_MEMBER, PROJECT_IAM_BINDING, PROJECT_IAM_POLICY})

SA_IAM_MEMBER: Final = "gcp:serviceaccount/iAMMember:IAMMember"
SA_IAM_BINDING: Final = "gcp:serviceaccount/iAMBinding:IAMBinding"
SA_IAM_POLICY: Final = "gcp:serviceaccount/iAMPolicy:IAMPolicy"
SERVICE_ACCOUNT_GRANTS: Final = frozenset({SA_IAM_MEMBER, SA_IAM_BINDING, SA_IAM_POLICY})
SERVICE_ACCOUNT_KEY: Final = "gcp:serviceaccount/key:Key"

WORKLOAD_IDENTITY_POOL: Final = "gcp:iam/workloadIdentityPool:WorkloadIdentityPool"
WORKLOAD_IDENTITY_POOL_PROVIDER: Final = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"

_RBAC: Final = "kubernetes:rbac.authorization.k8s.io/v1:"
NAMESPACE: Final = "kubernetes:core/v1:Namespace"
RESOURCE_QUOTA: Final = "kubernetes:core/v1:ResourceQuota"
LIMIT_RANGE: Final = "kubernetes:core/v1:LimitRange"
SERVICE_ACCOUNT: Final = "kubernetes:core/v1:ServiceAccount"
NETWORK_POLICY: Final = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ROLE: Final = _RBAC + "Role"
ROLE_BINDING: Final = _RBAC + "RoleBinding"
CLUSTER_ROLE: Final = _RBAC + "ClusterRole"
CLUSTER_ROLE_BINDING: Final = _RBAC + "ClusterRoleBinding"
