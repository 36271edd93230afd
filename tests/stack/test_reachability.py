"""control_plane_access: which path each consumer takes, what the parser refuses, and what `make plan` prints."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from gke_kpo.cloud.control_plane import ControlPlaneAccess, Endpoints, Network, Reach, reach
from gke_kpo.cloud.control_plane import Path as ApiPath
from gke_kpo.cloud.permissions import SEED_PERMISSIONS, AccessModel, custom_role_permissions
from gke_kpo.config.parse import parse_settings, settings_of_stack
from gke_kpo.config.problems import ConfigError, listed
from gke_kpo.config.reachability import consumers
from gke_kpo.plan.access import access_lines
from gke_kpo.preview.mock_cloud import mock_ca_certificate
from gke_kpo.render.artifacts import connection_extra, kubeconfig_file
from gke_kpo.render.validate import OutputsError, parse_outputs
from gke_kpo.spec.kubeconfig import api_server
from tests.stack.plan_run import plan_edited

TENANT = "x1"
BASE: dict[str, str] = {
    "project": "acme-data-dev",
    "tenants": json.dumps({TENANT: {"airflow_service_account": "astro-x1@acme-data-dev.iam.gserviceaccount.com"}}),
}


def problem_keys(**changes: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_settings({**BASE, **changes}, "test")
    return caught.value.keys


@pytest.mark.parametrize(
    ("access", "private", "peering", "network", "expected"),
    [
        (ControlPlaneAccess.DNS, True, False, Network.INTERNET, (ApiPath.DNS, Reach.YES)),
        (ControlPlaneAccess.DNS, True, True, Network.PEERED, (ApiPath.DNS, Reach.YES)),
        (ControlPlaneAccess.DNS_AND_IP, False, False, Network.INTERNET, (ApiPath.DNS, Reach.YES)),
        (ControlPlaneAccess.IP, False, False, Network.INTERNET, (ApiPath.PUBLIC_IP, Reach.IF_LISTED)),
        (ControlPlaneAccess.IP, True, False, Network.INTERNET, (ApiPath.PRIVATE_IP, Reach.NO)),
        (ControlPlaneAccess.IP, True, False, Network.VPC, (ApiPath.PRIVATE_IP, Reach.YES)),
        # Private Service Connect puts the endpoint in the cluster's VPC: one peering hop reaches it ...
        (ControlPlaneAccess.IP, True, False, Network.PEERED, (ApiPath.PRIVATE_IP, Reach.YES)),
        # ... a VPC-peering control plane is two hops away, and peering is not transitive.
        (ControlPlaneAccess.IP, True, True, Network.PEERED, (ApiPath.PRIVATE_IP, Reach.NO)),
    ],
)
def test_each_consumer_gets_one_path(
    access: ControlPlaneAccess, private: bool, peering: bool, network: Network, expected: tuple[ApiPath, Reach]
) -> None:
    endpoints = Endpoints(access, private, peering)
    assert (endpoints.used_path, reach(endpoints, network)) == expected


def test_the_dns_path_needs_connect_and_the_ip_path_keeps_the_seed_list() -> None:
    for xcom in (False, True):
        ip = set(custom_role_permissions(AccessModel.PROJECT, xcom))
        dns = set(custom_role_permissions(AccessModel.PROJECT, xcom, dns_endpoint=True))
        assert ip <= SEED_PERMISSIONS and dns - ip == {"container.clusters.connect"}
    assert "container.clusters.connect" not in SEED_PERMISSIONS


def test_the_dns_path_pins_no_ca_and_the_ip_path_pins_the_clusters() -> None:
    assert api_server(ControlPlaneAccess.DNS, "203.0.113.10", "u.us-central1.gke.goog", "CA") == (
        "u.us-central1.gke.goog",
        None,
    )
    assert api_server(ControlPlaneAccess.DNS_AND_IP, "203.0.113.10", "u.us-central1.gke.goog", "CA")[1] is None
    assert api_server(ControlPlaneAccess.IP, "203.0.113.10", "u.us-central1.gke.goog", "CA") == ("203.0.113.10", "CA")


def test_authorized_networks_on_a_dns_only_stack_are_refused() -> None:
    assert problem_keys(control_plane_access="dns", master_authorized_networks='["203.0.113.0/24"]') == [
        "master_authorized_networks"
    ]
    settings = parse_settings({**BASE, "control_plane_access": "dns"}, "test")
    assert settings.warnings == ()


def test_a_private_ip_endpoint_without_dns_refuses_consumers_outside_the_vpc() -> None:
    private = {"control_plane_access": "ip", "private_endpoint": "true", "master_authorized_networks": '["10.0.0.0/8"]'}
    assert set(problem_keys(**private)) == {"control_plane_access"}
    inside = json.loads(BASE["tenants"])
    inside[TENANT]["airflow_network"] = "vpc"
    settings = parse_settings({**BASE, **private, "tenants": json.dumps(inside), "deployer_network": "vpc"}, "test")
    assert {consumer.reach for consumer in consumers(settings)} == {Reach.YES}


def test_a_peered_consumer_cannot_use_a_vpc_peering_private_endpoint() -> None:
    peered = json.loads(BASE["tenants"])
    peered[TENANT]["airflow_network"] = "peered"
    changes = {
        "control_plane_access": "ip",
        "private_endpoint": "true",
        "master_authorized_networks": '["10.0.0.0/8"]',
        "deployer_network": "vpc",
        "tenants": json.dumps(peered),
    }
    with pytest.raises(ConfigError) as caught:
        parse_settings({**BASE, **changes, "master_cidr": "172.16.0.32/28"}, "test")
    assert "peering is not transitive" in str(caught.value)
    assert parse_settings({**BASE, **changes}, "test").cluster.master_cidr == ""  # PSC: one hop, reachable


def test_an_ip_only_stack_warns_that_a_hosted_ci_runner_cannot_reach_it() -> None:
    settings = parse_settings(
        {**BASE, "control_plane_access": "ip", "master_authorized_networks": '["203.0.113.0/24"]'}, "test"
    )
    (warning,) = settings.warnings
    assert "GitHub-hosted runners" in warning and "dns+ip" in warning


def test_make_plan_prints_the_path_of_every_consumer_and_refuses_a_dead_end(tmp_path: Path) -> None:
    shown = plan_edited(tmp_path, "dev", {})
    assert shown.returncode == 0, shown.stderr
    assert "Control plane access: dns" in shown.stdout
    assert "[airflow_network: internet] -> DNS endpoint: reaches it" in shown.stdout
    assert "[deployer_network: internet] -> DNS endpoint: reaches it" in shown.stdout
    refused = plan_edited(
        tmp_path,
        "dev",
        {"gke-kpo:control_plane_access: dns": "gke-kpo:control_plane_access: ip\n  gke-kpo:private_endpoint: true"},
    )
    assert refused.returncode == 2
    assert "gke-kpo:control_plane_access: Airflow of tenant ml-dev runs in internet" in refused.stderr
    assert "Fix: set control_plane_access to dns" in refused.stderr
    silent = plan_edited(tmp_path, "dev", {}, append="  gke-kpo:master_authorized_networks: [203.0.113.0/28]\n")
    assert silent.returncode == 2 and "gke-kpo:master_authorized_networks: lists 203.0.113.0/28" in silent.stderr


def test_the_prod_plan_warns_about_its_ci_runner(tmp_path: Path) -> None:
    shown = plan_edited(tmp_path, "prod", {})
    assert shown.returncode == 0, shown.stderr
    assert "warning: gke-kpo:control_plane_access is ip: the CI runner" in shown.stdout
    assert "[airflow_network: internet] -> public IP endpoint: reaches it only from an address listed" in shown.stdout


def test_the_renderer_refuses_a_dns_endpoint_outside_gke_goog() -> None:
    with pytest.raises(OutputsError, match="dns_endpoint"):
        parse_outputs(
            {
                "project": "p",
                "location": "us-central1",
                "cluster_name": "c",
                "endpoint": "203.0.113.10",
                "cluster_ca_certificate": mock_ca_certificate(),
                "control_plane_access": "dns",
                "dns_endpoint": "kube.example.com",
                "tenants": {"t": {"namespace": "t", "xcom_push": False}},
            }
        )


@pytest.mark.parametrize("access", ["dns", "dns+ip", "ip"])
def test_the_rendered_kubeconfig_and_connection_take_the_stacks_path(access: str) -> None:
    dns = "gke-0123.us-central1.gke.goog"
    raw = {
        "project": "p",
        "location": "us-central1",
        "cluster_name": "c",
        "endpoint": "203.0.113.10",
        "cluster_ca_certificate": mock_ca_certificate(),
        "control_plane_access": access,
        "dns_endpoint": dns,
        "tenants": {"t": {"namespace": "t", "xcom_push": False}},
    }
    tenant = parse_outputs(raw)["t"]
    for config in (yaml.safe_load(kubeconfig_file(tenant)), connection_extra(tenant)["kube_config"]):
        (cluster,) = config["clusters"]
        if access == "ip":
            assert cluster["cluster"] == {
                "server": "https://203.0.113.10",
                "certificate-authority-data": raw["cluster_ca_certificate"],
            }
        else:
            assert cluster["cluster"] == {"server": f"https://{dns}"}, "no pinned CA, no IP on the DNS path"


def test_the_access_verdict_names_many_tenants_airflow_once_each() -> None:
    lines = access_lines(settings_of_stack("dev"))
    assert (
        "  Airflow of tenants ml-dev, etl-dev, ext-dev [airflow_network: internet] -> DNS endpoint: reaches it" in lines
    )
    one = access_lines(dataclasses.replace(settings_of_stack("dev"), tenants=settings_of_stack("dev").tenants[:1]))
    assert any(line.startswith("  Airflow of tenant ml-dev [airflow_network") for line in one)


def test_a_hundred_tenants_are_named_a_few_and_counted() -> None:
    dev = settings_of_stack("dev")
    many = dataclasses.replace(
        dev, tenants=tuple(dataclasses.replace(dev.tenants[0], name=f"t{i:02d}") for i in range(30))
    )
    (line,) = [line for line in access_lines(many) if "[airflow_network" in line]
    assert "Airflow of tenants t00, t01, t02, t03, t04, t05, t06, t07 and 22 more [airflow_network" in line


def test_listed_names_all_up_to_the_limit_then_counts() -> None:
    assert listed(["a", "b"], most=2) == "a, b"
    assert listed(["a", "b", "c"], most=2) == "a, b and 1 more"
