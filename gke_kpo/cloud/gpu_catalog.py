"""Where each GPU model can be had and what it costs: ``data/gpu_catalog.json`` (zones, GPU list prices) and
``data/machine_prices.csv`` (the machine's vCPU and memory), pinned and dated.

Both are copied from SkyPilot's public catalog (``catalogs/v8/gcp/vms.csv``), which is generated from Compute
Engine's acceleratorTypes list and the Cloud Billing Catalog API; the JSON records the commit and the day it was read.
A GPU node's hourly price is its machine's price plus its GPUs' price, as Compute Engine bills them (vCPU, memory and
GPUs separately, https://cloud.google.com/compute/vm-instance-pricing). List prices in USD, before discounts and taxes:
estimates, for the plan's cost lines and ceiling only.

Known limits of the copy: no flex-start prices (Dynamic Workload Scheduler bills its own rates, "up to 53%" off vCPU
and GPU per GKE "About flex-start provisioning", discounted "for A4, A3, A2 and H4D machine types" per Compute
Engine "About Flex-start VMs"; the plan prices flex-start at the on-demand rate, an upper bound, exact for G2), no
RTX PRO 6000 (G4) or GB200 (A4X) rows, and a few regions whose H100 price differs from its neighbours' by 2x (copied
as published). A model or region missing here is unknown, never refused for that reason alone. Standard library
only: the policy pack imports this module.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gke_kpo.repo import repo_relative

DATA_DIR = Path(__file__).resolve().parent / "data"
GPU_FILE = DATA_DIR / "gpu_catalog.json"
MACHINE_FILE = DATA_DIR / "machine_prices.csv"
GPU_FILE_SHOWN = repo_relative(GPU_FILE)
"""The catalog's path as a user finds it from the repository root, for messages."""


@dataclass(frozen=True)
class Price:
    on_demand: float
    spot: float | None
    """None: the catalog lists no Spot price there (no Spot capacity offered)."""

    def __add__(self, other: Price) -> Price:
        spot = None if self.spot is None or other.spot is None else self.spot + other.spot
        return Price(self.on_demand + other.on_demand, spot)

    def times(self, factor: float) -> Price:
        return Price(self.on_demand * factor, None if self.spot is None else self.spot * factor)


@cache
def _catalog() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(GPU_FILE.read_text())
    return loaded


def _gpus() -> dict[str, dict[str, dict[str, Any]]]:
    gpus: dict[str, dict[str, dict[str, Any]]] = _catalog()["accelerators"]
    return gpus


@cache
def _machines() -> dict[tuple[str, str], Price]:
    with MACHINE_FILE.open(newline="") as rows:
        return {
            (row["machine_type"], row["region"]): Price(
                float(row["usd_per_hour"]), float(row["spot_usd_per_hour"]) if row["spot_usd_per_hour"] else None
            )
            for row in csv.DictReader(rows)
        }


def machine_rows() -> dict[tuple[str, str], Price]:
    """(machine type, region) -> the machine's price, as the data file lists them."""
    return dict(_machines())


def read_on() -> str:
    day: str = _catalog()["read_on"]
    return day


def knows(accelerator: str) -> bool:
    return accelerator in _gpus()


def zones_offering(accelerator: str, region: str) -> tuple[str, ...]:
    """The zones of ``region`` that offer ``accelerator``; () when none does (or the model is not in the catalog)."""
    return tuple(_gpus().get(accelerator, {}).get(region, {}).get("zones", ()))


def zones_listed(region: str) -> tuple[str, ...]:
    """Every zone of ``region`` the catalog lists for any GPU: real zones, though not necessarily all of them."""
    zones = {zone for regions in _gpus().values() for zone in regions.get(region, {}).get("zones", ())}
    return tuple(sorted(zones))


def regions_offering(accelerator: str) -> tuple[str, ...]:
    return tuple(sorted(_gpus().get(accelerator, {})))


def gpu_price(accelerator: str, region: str) -> Price | None:
    """One GPU for one hour."""
    row = _gpus().get(accelerator, {}).get(region)
    if row is None:
        return None
    spot = row["spot_usd_per_hour"]
    return Price(row["usd_per_hour"], spot).times(1 / row["gpus"])


def machine_price(machine_type: str, region: str) -> Price | None:
    """The machine's vCPU and memory for one hour, GPUs not included."""
    return _machines().get((machine_type, region))


def node_price(machine_type: str, accelerator: str, gpus: int, region: str) -> Price | None:
    """One GPU node for one hour; None when the catalog lacks the machine or the GPU in that region."""
    machine, gpu = machine_price(machine_type, region), gpu_price(accelerator, region)
    if machine is None or gpu is None:
        return None
    return machine + gpu.times(gpus)
