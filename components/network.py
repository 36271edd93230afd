"""VPC-native network with Cloud NAT, or the existing network named in config."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from gke_kpo.config.settings import NetworkSettings
from gke_kpo.spec.lifecycle import fixed_name


@dataclass(frozen=True)
class NetworkArgs:
    project: str
    region: str
    name_prefix: str
    settings: NetworkSettings


class Network(pulumi.ComponentResource):
    network: pulumi.Output[str]
    subnetwork: pulumi.Output[str]
    pods_range_name: str
    services_range_name: str

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("gke-kpo:index:Network", name, None, opts)
        settings = args.settings
        self.pods_range_name = settings.pods_range_name
        self.services_range_name = settings.services_range_name
        if settings.create:
            self._create(name, args)
        else:
            self.network = pulumi.Output.from_input(settings.existing_network)
            self.subnetwork = pulumi.Output.from_input(settings.existing_subnetwork)
        self.register_outputs({"network": self.network, "subnetwork": self.subnetwork})

    def _create(self, name: str, args: NetworkArgs) -> None:
        # Names come from config: GCP refuses a duplicate, so replacements delete first (gke_kpo/spec/lifecycle.py).
        child = fixed_name(self)
        prefix, settings = args.name_prefix, args.settings
        vpc = gcp.compute.Network(
            f"{name}-vpc",
            name=f"{prefix}-vpc",
            project=args.project,
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            opts=child,
        )
        subnet = gcp.compute.Subnetwork(
            f"{name}-subnet",
            name=f"{prefix}-nodes",
            project=args.project,
            region=args.region,
            network=vpc.id,
            ip_cidr_range=settings.subnet_cidr,
            private_ip_google_access=True,
            secondary_ip_ranges=[
                gcp.compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=settings.pods_range_name, ip_cidr_range=settings.pods_cidr
                ),
                gcp.compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=settings.services_range_name, ip_cidr_range=settings.services_cidr
                ),
            ],
            opts=child,
        )
        router = gcp.compute.Router(
            f"{name}-router",
            name=f"{prefix}-router",
            project=args.project,
            region=args.region,
            network=vpc.id,
            opts=child,
        )
        # Private nodes have no external IP; NAT lets them pull public images such as ubuntu:latest.
        gcp.compute.RouterNat(
            f"{name}-nat",
            name=f"{prefix}-nat",
            project=args.project,
            region=args.region,
            router=router.name,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
            log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            opts=child,
        )
        self.network = vpc.id
        self.subnetwork = subnet.id
