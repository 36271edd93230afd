"""End to end on the DNS path: the rendered connection of a ``control_plane_access: dns`` stack reaches the API
under the cluster's ``<uid>.<location>.gke.goog`` name, trusting it through the process's CA store (no CA in the
kubeconfig), with the real KubernetesPodOperator and the real gke-gcloud-auth-plugin.

What stands in for GKE, in the Airflow subprocess only (docs/development.md, "How it is proven"):

- The name: ``connect_to/sitecustomize.py`` (on that process's PYTHONPATH) resolves exactly (name, 443) to the
  fake API's loopback port, like curl's ``--connect-to``; TLS SNI, the HTTP Host and the certificate check still
  use the name.
- The certificate: the fake presents one for the name only (SAN), issued by a "public" test CA that did not sign
  anything else; the stack's ``cluster_ca_certificate`` is another CA (the IP endpoint's), as on GKE.
- The trust: the pinned kubernetes client (36.0.3, constraints.txt) passes no CA to urllib3 when the kubeconfig
  has none (kubernetes/client/rest.py ``ca_certs=configuration.ssl_ca_cert``; before v36, commit 5ef57961, it fell
  back to ``certifi.where()``), and urllib3 2.8.0 then loads OpenSSL's default verify paths
  (urllib3/connection.py ``_ssl_wrap_socket_and_match_hostname``: ``context.load_default_certs()``), whose CA
  file the ``SSL_CERT_FILE`` variable names (Python ``ssl.get_default_verify_paths()``, openssl_cafile_env). So
  the test CA is trusted through that variable, set for the subprocess only; no installed bundle is edited.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from gke_kpo.cloud.control_plane import ControlPlaneAccess
from gke_kpo.cloud.permissions import rbac_rules
from gke_kpo.render import artifacts, write_files

from .airflow_run import AirflowHome, connection_env_var
from .conftest import SERVICE_ACCOUNT
from .connect_to.sitecustomize import CONNECT_TO_VARIABLE, connect_to
from .fake_kube_api import SINGLE_USER, ClusterState, serve_kube_api
from .fake_metadata import MetadataState
from .stack import DNS_ENDPOINT, NAMESPACE, dns_stack_outputs, tenant_files
from .tls import ServerTls, make_server_tls

DAG_ID = "remote_kpo"
HTTPS_PORT = 443
"""The DNS endpoint's port: the rendered URL names none (the renderer accepts only a bare name)."""
CONNECT_TO = Path(__file__).with_name("connect_to")
KUBECONFIG_FIELDS_THAT_PIN_TRUST = ("certificate-authority-data", "certificate-authority", "insecure-skip-tls-verify")


@pytest.fixture
def public_tls(tmp_path: Path) -> ServerTls:
    """What the DNS endpoint presents: a certificate for its name from a CA the client must already trust."""
    folder = tmp_path / "public-tls"
    folder.mkdir()
    return make_server_tls(folder, server_name=DNS_ENDPOINT)


@pytest.fixture
def cluster_ca(tmp_path: Path) -> str:
    """The cluster's own CA (``cluster_ca_certificate``, what the IP endpoint presents): it signed nothing the
    fake API serves, so a kubeconfig pinning it cannot verify the DNS name's certificate."""
    folder = tmp_path / "cluster-tls"
    folder.mkdir()
    return make_server_tls(folder).ca_base64


def _rendered_kubeconfigs(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every kubeconfig a tenant may deploy, by the file it is in."""
    settings = yaml.safe_load(files["airflow_settings.yaml"])
    [connection] = settings["airflow"]["connections"]
    return {
        "kubeconfig.yaml": yaml.safe_load(files["kubeconfig.yaml"]),
        "connection.json": json.loads(files["connection.json"])["extra"]["kube_config"],
        "connection.env": json.loads(connection_env_var(files["connection.env"])[1])["extra"]["kube_config"],
        "airflow_settings.yaml": json.loads(connection["conn_extra"])["kube_config"],
    }


def assert_dns_path(files: dict[str, str]) -> None:
    """The files name the DNS endpoint and leave trust to the CA store: no CA pinned, no IP, no skipped check."""
    for file, kubeconfig in _rendered_kubeconfigs(files).items():
        [cluster] = [entry["cluster"] for entry in kubeconfig["clusters"]]
        pinned = [key for key in KUBECONFIG_FIELDS_THAT_PIN_TRUST if key in cluster]
        assert pinned == [], f"{file} pins trust on the DNS path: {pinned}"
        server = urlsplit(cluster["server"])
        assert (server.scheme, server.netloc) == ("https", DNS_ENDPOINT), f"{file} points at {cluster['server']}"
        assert not _is_ip(server.hostname or ""), f"{file} points at an IP: {cluster['server']}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _subprocess_env(public_tls: ServerTls, fake_port: int, folder: Path) -> dict[str, str]:
    """For the Airflow process only: the DNS name leads to the fake, and the fake's CA is trusted."""
    trusted = folder / "trusted-roots.pem"
    trusted.write_bytes(public_tls.ca_pem)
    python_path = [str(CONNECT_TO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {
        CONNECT_TO_VARIABLE: connect_to(DNS_ENDPOINT, HTTPS_PORT, "127.0.0.1", fake_port),
        "PYTHONPATH": os.pathsep.join(python_path),
        "SSL_CERT_FILE": str(trusted),
    }


def test_dns_path_connection_runs_the_task_through_the_name_with_no_pinned_ca(
    tmp_path: Path,
    auth_plugin: str,
    metadata_server: tuple[MetadataState, str],
    public_tls: ServerTls,
    cluster_ca: str,
    migrated_airflow_home: AirflowHome,
) -> None:
    metadata, metadata_host = metadata_server
    cluster = ClusterState(token=metadata.access_token, namespace=NAMESPACE, rules=rbac_rules(xcom_push=False))
    with serve_kube_api(cluster, public_tls) as ip_endpoint:
        # The IP endpoint output is the fake itself: a connection that used it would get through to the same
        # server and fail only on the certificate (wrong CA, and no SAN for the address).
        files = tenant_files(dns_stack_outputs(ip_endpoint, cluster_ca, SERVICE_ACCOUNT))
        assert_dns_path(files)
        write_files(files, tmp_path / "rendered")
        home = migrated_airflow_home.clone(tmp_path / "home", tmp_path / "rendered" / "dags", metadata_host)
        name, value = connection_env_var(files["connection.env"])
        fake_port = int(ip_endpoint.rpartition(":")[2])
        fetches_before = metadata.token_requests
        result = home.run(
            "dags", "test", DAG_ID, extra_env={name: value, **_subprocess_env(public_tls, fake_port, tmp_path)}
        )
    output = result.stdout + result.stderr

    assert home.task_states(DAG_ID) == {"run_on_gke": "success"}, output[-4000:]
    [pod] = cluster.pods.created
    assert pod["metadata"]["namespace"] == NAMESPACE
    assert cluster.audit, "the API saw no request"
    assert {(record.user, record.allowed) for record in cluster.audit} == {(SINGLE_USER, True)}
    assert metadata.token_requests > fetches_before, "the plugin fetched no token from the metadata server"
    assert cluster.server_names, "no TLS handshake reached the fake API"
    assert set(cluster.server_names) == {DNS_ENDPOINT}


ServerChoice = Callable[[ControlPlaneAccess, str, str, str], tuple[str, str | None]]
REGRESSIONS: dict[str, ServerChoice] = {
    "pins-the-ca": lambda _access, _ip, dns, ca: (dns, ca),
    "uses-the-ip-endpoint": lambda _access, ip, _dns, _ca: (ip, None),
    "uses-the-ip-endpoint-and-its-ca": lambda _access, ip, _dns, ca: (ip, ca),
}
"""A renderer gone wrong on the DNS path: what ``api_server`` would then return for the kubeconfig."""


def test_the_dns_path_check_passes_the_renderer_as_it_is(cluster_ca: str) -> None:
    assert_dns_path(tenant_files(dns_stack_outputs("127.0.0.1:6443", cluster_ca, SERVICE_ACCOUNT)))


@pytest.mark.parametrize("regression", REGRESSIONS)
def test_the_dns_path_check_refuses_a_renderer_that_pins_a_ca_or_names_the_ip(
    cluster_ca: str, regression: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(artifacts, "api_server", REGRESSIONS[regression])
    files = tenant_files(dns_stack_outputs("127.0.0.1:6443", cluster_ca, SERVICE_ACCOUNT))

    with pytest.raises(AssertionError):
        assert_dns_path(files)


def test_the_fake_certificate_verifies_for_the_dns_name_only(public_tls: ServerTls) -> None:
    """So a connection pointed at the IP endpoint fails the SAN check even when it trusts the right CA."""
    cluster = ClusterState()
    client = ssl.create_default_context(cadata=public_tls.ca_pem.decode("ascii"))
    with serve_kube_api(cluster, public_tls) as ip_endpoint:
        host, _, port = ip_endpoint.rpartition(":")
        by_name = _handshake(client, (host, int(port)), DNS_ENDPOINT)
        by_address = _handshake(client, (host, int(port)), host)

    assert by_name is None
    assert isinstance(by_address, ssl.SSLCertVerificationError), by_address
    assert "IP address mismatch" in str(by_address)
    assert cluster.server_names[0] == DNS_ENDPOINT


def _handshake(client: ssl.SSLContext, address: tuple[str, int], server_name: str) -> ssl.SSLError | None:
    with socket.create_connection(address, timeout=10) as raw:
        try:
            with client.wrap_socket(raw, server_hostname=server_name):
                return None
        except ssl.SSLError as error:
            return error
