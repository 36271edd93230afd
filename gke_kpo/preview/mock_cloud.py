"""What Google Cloud would answer for the values only it knows (ids, endpoint, CA, e-mails)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pulumi

from gke_kpo.cloud.control_plane import DNS_ENDPOINT_DOMAIN

MOCK_ENDPOINT = "203.0.113.10"
"""A documentation address (TEST-NET-3): it looks like a GKE endpoint and routes nowhere."""

MOCK_CA_PEM = (Path(__file__).parent / "mock_cluster_ca.pem").read_text()


def mock_ca_certificate() -> str:
    """Base64 of a PEM certificate, the shape GKE returns in masterAuth.clusterCaCertificate."""
    return base64.b64encode(MOCK_CA_PEM.encode()).decode()


def mock_dns_endpoint(project: str, location: str, name: str) -> str:
    """``<uid>.<location>.gke.goog`` (GKE API example: ``uid.us-central1.gke.goog``), with a stable made-up uid:
    GKE publishes no format for the uid, so only the shape and the domain are real."""
    uid = hashlib.sha256(f"{project}/{location}/{name}".encode()).hexdigest()[:32]
    return f"gke-{uid}.{location}.{DNS_ENDPOINT_DOMAIN}"


def _cluster(inputs: dict[str, Any]) -> dict[str, Any]:
    master_auth = {**inputs.get("masterAuth", {}), "clusterCaCertificate": mock_ca_certificate()}
    # Reported on every cluster, also when the stack declares no endpoint config (the ip path).
    endpoints = inputs.get("controlPlaneEndpointsConfig", {})
    dns = {
        **endpoints.get("dnsEndpointConfig", {}),
        "endpoint": mock_dns_endpoint(inputs["project"], inputs["location"], inputs["name"]),
    }
    return {
        "endpoint": MOCK_ENDPOINT,
        "masterAuth": master_auth,
        "controlPlaneEndpointsConfig": {**endpoints, "dnsEndpointConfig": dns},
    }


def _service_account(inputs: dict[str, Any]) -> dict[str, Any]:
    email = f"{inputs['accountId']}@{inputs['project']}.iam.gserviceaccount.com"
    return {"email": email, "name": f"projects/{inputs['project']}/serviceAccounts/{email}"}


def _custom_role(inputs: dict[str, Any]) -> dict[str, Any]:
    return {"name": f"projects/{inputs['project']}/roles/{inputs['roleId']}"}


COMPUTED = {
    "gcp:container/cluster:Cluster": _cluster,
    "gcp:serviceaccount/account:Account": _service_account,
    "gcp:projects/iAMCustomRole:IAMCustomRole": _custom_role,
}


class MockCloud(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        computed = COMPUTED.get(args.typ, lambda _inputs: {})(args.inputs)
        return f"{args.name}-id", {**args.inputs, **computed}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """Data sources answer nothing (values only Google knows stay unset); the mock monitor iterates
        the failures, so they are an empty list, never None."""
        return {}, []
