"""How `make plan` scales with the number of tenants: 1, 10 and 100 generated tenants on one cluster.

Each size is a temporary stack file ``Pulumi.<prefix><n>.yaml`` in the repository root (the place
`make plan` reads stacks from), built from the dev stack's cluster keys plus ``n`` generated tenants
in a realistic mix (``generated_tenant``: astro, gke and federated identities in turn, the federated
ones on six issuers, a task service account on one tenant in three, XCom on every other, a GPU quota
on every fifth). Every run is a fresh `make plan` process (program under mocks + policy gate over
gRPC + rendering of every tenant); the sizes are planned in turn, ``--runs`` times, and the median
(with the fastest and slowest run) is reported with the resource count of its plan.yaml and the
ratio to the smallest size, for wall time and for CPU time (make and everything under it).
The files (and their build/ folders) are removed afterwards, also on failure.

Run from the repository root: ``python benchmarks/tenant_scale.py [--runs N] [--tenants 1 10 100]``.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
BASE_STACK = "dev"
STACK_PREFIX = "bench-tenants-"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


FEDERATION_ISSUERS = (
    ("astro-aws", "https://oidc.eks.us-east-1.amazonaws.com/id/BENCH{0:029d}"),
    ("eks", "https://oidc.eks.eu-west-1.amazonaws.com/id/BENCH{0:029d}"),
    ("aks", "https://oidc.prod-aks.azure.com/bench-tenant/{0:08d}/"),
)
"""(preset, issuer pattern): federated tenants spread over a few Airflow clusters, so several providers."""
ISSUERS_PER_PRESET = 2


def generated_tenant(index: int, project: str) -> tuple[str, dict[str, Any]]:
    """Tenant ``index``: a mix of what real tenants declare, so every per-tenant resource kind is present: the
    three identity modes in turn (federated ones on six issuers), a task service account on one tenant in three
    (rotating over the modes), XCom on every other, a GPU quota on every fifth."""
    name = f"team-{index:03d}"
    tenant: dict[str, Any] = {"xcom_push": index % 2 == 0}
    mode = ("astro", "gke", "federated")[index % 3]
    if mode == "astro":
        tenant["airflow_service_account"] = f"astro-{name}@{project}.iam.gserviceaccount.com"
    else:
        tenant["identity_mode"] = mode
    if mode == "federated":
        cluster = index // 3
        preset, issuer = FEDERATION_ISSUERS[cluster % len(FEDERATION_ISSUERS)]
        namespace = f"astro-{name}"
        tenant["federation"] = {
            "preset": preset,
            "issuer": issuer.format(cluster // len(FEDERATION_ISSUERS) % ISSUERS_PER_PRESET),
            "subjects": [f"system:serviceaccount:{namespace}:{namespace}-{role}" for role in ("worker", "triggerer")],
        }
    if index % 5 == 0:
        tenant["quota_gpus"] = 1
    if index % 3 == index // 3 % 3:
        tenant["task_service_account"] = {"roles": ["roles/storage.objectViewer"]}
    return name, tenant


def stack_document(tenant_count: int) -> dict[str, Any]:
    base = yaml.safe_load((REPO_ROOT / f"Pulumi.{BASE_STACK}.yaml").read_text())
    config = dict(base["config"])
    project = str(config["gke-kpo:project"])
    # No policy config file exists for a generated stack, so the pack's defaults (prod levels) apply.
    config["gke-kpo:deletion_protection"] = True
    config["gke-kpo:tenants"] = dict(generated_tenant(index, project) for index in range(tenant_count))
    return {"config": config}


@contextmanager
def generated_stack(tenant_count: int) -> Iterator[str]:
    stack = f"{STACK_PREFIX}{tenant_count}"
    path = REPO_ROOT / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump(stack_document(tenant_count), sort_keys=False))
    try:
        yield stack
    finally:
        path.unlink(missing_ok=True)
        shutil.rmtree(REPO_ROOT / "build" / stack, ignore_errors=True)


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    """User + system seconds of make and everything it ran (program, pack), less sensitive to a busy machine."""
    resources: int


FIELDS = ("wall", "cpu")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def plan_once(stack: str) -> Sample:
    """One fresh `make plan`; the resource count is read from the plan.yaml it wrote."""
    cpu, start = _children_cpu(), time.perf_counter()
    result = subprocess.run(["make", "plan", f"STACK={stack}"], cwd=REPO_ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(
            f"make plan STACK={stack} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    inventory = yaml.load((REPO_ROOT / "build" / stack / "plan.yaml").read_text(), Loader=SAFE_LOADER)
    return Sample(wall, cpu, len(inventory))


def measure(tenant_counts: list[int], runs: int) -> dict[int, list[Sample]]:
    """``runs`` fresh runs per size, the sizes taken in turn (1, 10, 100, 1, 10, 100, ...): other work on the machine
    then weighs on every size alike, instead of on whichever size ran while it lasted."""
    samples: dict[int, list[Sample]] = {count: [] for count in tenant_counts}
    with ExitStack() as stacks:
        names = {count: stacks.enter_context(generated_stack(count)) for count in tenant_counts}
        for _ in range(runs):
            for count in tenant_counts:
                samples[count].append(plan_once(names[count]))
    return samples


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tenants", type=int, nargs="+", default=[1, 10, 100])
    args = parser.parse_args()
    plan_once(BASE_STACK)  # warm caches and .venv
    results = measure(args.tenants, args.runs)
    base_wall, base_cpu = (statistics.median(getattr(s, field) for s in results[min(results)]) for field in FIELDS)
    print(f"make plan, median (min-max) of {args.runs} fresh runs each, sizes in turn; ratios of the medians against "
          f"{min(results)} tenant(s)")  # fmt: skip
    print("| tenants | resources | wall time | ratio | CPU time | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for count, samples in results.items():
        walls, cpus = [s.wall for s in samples], [s.cpu for s in samples]
        print(
            f"| {count} | {samples[0].resources} | {_spread(walls)} | {statistics.median(walls) / base_wall:.2f}x "
            f"| {_spread(cpus)} | {statistics.median(cpus) / base_cpu:.2f}x |"
        )


if __name__ == "__main__":
    main()
