"""Machine family facts (gke_kpo/cloud/machines.py) reach the node configs, and the GPU quota a stack needs."""

from __future__ import annotations

import pytest

from gke_kpo.cloud import accelerators, gpu_quota, machines
from gke_kpo.cloud.replacement import NODE_POOL
from gke_kpo.config.settings import GpuPoolSettings
from gke_kpo.deployer import main as deployer_main
from gke_kpo.spec.gpu_pools import gpu_node_config
from gke_kpo.spec.nodes import hardened_node_config
from tests.stack.conftest import PlanFor

PAIRINGS = [
    (accelerator.name, machine_type, count)
    for accelerator in accelerators.ACCELERATORS
    for machine_type, count in accelerator.attached.items()
] + [(a.name, "n1-standard-4", min(a.n1_max_vcpus)) for a in accelerators.ACCELERATORS if a.n1_max_vcpus]


@pytest.mark.parametrize(("accelerator", "machine_type", "count"), PAIRINGS)
def test_every_gpu_pairing_boots_from_a_disk_its_family_supports(
    accelerator: str, machine_type: str, count: int
) -> None:
    family = machines.family_of(machine_type)
    assert family is not None, f"add {machine_type} to gke_kpo/cloud/machines.py"
    expected = machines.GpuAttachment.ATTACHABLE if machine_type.startswith("n1-") else machines.GpuAttachment.ATTACHED
    assert family.gpus is expected
    gpu = GpuPoolSettings(accelerator, count, machine_type, 0, 1, "DEFAULT", ())
    assert gpu_node_config("nodes@p.iam.gserviceaccount.com", gpu, None, "p")["disk_type"] in family.boot_disks


@pytest.mark.parametrize(
    ("machine_type", "disk"),
    [
        # The families Google's page says boot only from Hyperdisk Balanced (read 2026-04-13).
        ("a3-ultragpu-8g", "hyperdisk-balanced"),
        ("a4-highgpu-8g", "hyperdisk-balanced"),
        ("a4x-highgpu-4g", "hyperdisk-balanced"),
        ("g4-standard-48", "hyperdisk-balanced"),
        # The rest keep pd-balanced, as before.
        ("a3-highgpu-8g", "pd-balanced"),
        ("a3-megagpu-8g", "pd-balanced"),
        ("g2-standard-8", "pd-balanced"),
        ("n1-standard-4", "pd-balanced"),
        ("e2-small", "pd-balanced"),
        ("c9-unknown-4", machines.GKE_DEFAULT_BOOT_DISK),
    ],
)
def test_boot_disk_per_family(machine_type: str, disk: str) -> None:
    assert hardened_node_config("nodes@p.iam.gserviceaccount.com", machine_type, {})["disk_type"] == disk


def test_only_a4x_is_arm() -> None:
    arm = {name for name, family in machines.FAMILIES.items() if family.architecture is machines.Architecture.ARM64}
    assert arm == {"a4x"}


def test_a_hyperdisk_only_gpu_pool_declares_hyperdisk_and_the_system_pool_keeps_pd(plan_for: PlanFor) -> None:
    plan = plan_for(
        "prod",
        gpu_accelerator="nvidia-b200",
        gpu_machine_type="a4-highgpu-8g",
        gpu_count=8,
        gpu_node_locations=["europe-west4-b"],
    )
    disks = {pool.inputs["name"]: pool.inputs["nodeConfig"]["diskType"] for pool in plan.of_type(NODE_POOL)}
    assert disks == {"gpu": "hyperdisk-balanced", "system": "pd-balanced"}


def test_a_user_managed_driver_is_accepted_and_reaches_the_pool(plan_for: PlanFor) -> None:
    plan = plan_for("dev", gpu_driver_version="INSTALLATION_DISABLED", gpu_driver_user_managed=True)
    (pool,) = [p.inputs for p in plan.of_type(NODE_POOL) if p.inputs["name"] == "gpu"]
    driver = pool["nodeConfig"]["guestAccelerators"][0]["gpuDriverInstallationConfig"]["gpuDriverVersion"]
    assert driver == "INSTALLATION_DISABLED"


def test_every_accelerator_names_its_quota_metric() -> None:
    assert set(gpu_quota.REGIONAL_METRICS) == set(accelerators.BY_NAME)
    assert gpu_quota.regional_metric("nvidia-l4", spot=True) == "PREEMPTIBLE_NVIDIA_L4_GPUS"
    assert gpu_quota.region_of("us-central1-a") == gpu_quota.region_of("us-central1") == "us-central1"


def test_the_deployer_prints_the_quota_at_the_ceiling_and_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert deployer_main(["--gpu-quota-for", "prod"]) == 0
    printed = capsys.readouterr().out
    # prod: gpu_max_nodes 2 (the pool's total, regional) x 1 L4, on demand.
    assert "needs NVIDIA_L4_GPUS >= 2 in europe-west4 and GPUS_ALL_REGIONS >= 2" in printed
    assert "gcloud compute regions describe europe-west4 --project acme-airflow-prod" in printed
    assert "gcloud compute project-info describe --project acme-airflow-prod" in printed
    assert deployer_main(["--gpu-quota-for", "dev"]) == 0
    assert "PREEMPTIBLE_NVIDIA_T4_GPUS >= 1 in us-central1" in capsys.readouterr().out
