"""How `make plan` scales with GPU pools: ten realistic tenants on one GPU pool, then on four.

The four pools cover the capacity modes a real stack mixes (Spot with an on-demand fallback, hence a compute class;
flex-start; a time-shared pool); every tenant may use every pool, so each rendered DAG has four GPU tasks. Both
stacks are planned in turn, ``--runs`` fresh `make plan` processes each, and the medians compared (wall and CPU time,
as benchmarks/tenant_scale.py does, whose tenants and measurement this reuses).

Run from the repository root: ``python -m benchmarks.gpu_pool_scale [--runs N]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import yaml

from benchmarks.tenant_scale import BASE_STACK, REPO_ROOT, Sample, generated_tenant, plan_once

TENANTS = 10
T4 = {"accelerator": "nvidia-tesla-t4", "machine_type": "n1-standard-4", "max_nodes": 2}
L4 = {"accelerator": "nvidia-l4", "machine_type": "g2-standard-8", "max_nodes": 2}
POOLS: dict[int, dict[str, Any]] = {
    1: {"t4": T4},
    4: {
        "t4-spot": {**T4, "capacity": "spot", "fallback": "t4"},
        "t4": T4,
        "l4-flex": {**L4, "capacity": "flex-start", "max_run_duration_hours": 24},
        "l4-shared": {**L4, "sharing": {"strategy": "time-sharing", "clients_per_gpu": 4}},
    },
}


def stack_document(pools: dict[str, Any]) -> dict[str, Any]:
    config = yaml.safe_load((REPO_ROOT / f"Pulumi.{BASE_STACK}.yaml").read_text())["config"]
    config = {key: value for key, value in config.items() if not key.startswith("gke-kpo:gpu_")}
    project = str(config["gke-kpo:project"])
    config["gke-kpo:deletion_protection"] = True
    config["gke-kpo:gpu_pools"] = pools
    config["gke-kpo:tenants"] = dict(generated_tenant(index, project) for index in range(TENANTS))
    return {"config": config}


@contextmanager
def generated_stack(pool_count: int) -> Iterator[str]:
    stack = f"bench-pools-{pool_count}"
    path = REPO_ROOT / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump(stack_document(POOLS[pool_count]), sort_keys=False))
    try:
        yield stack
    finally:
        path.unlink(missing_ok=True)
        shutil.rmtree(REPO_ROOT / "build" / stack, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    plan_once(BASE_STACK)  # warm caches and .venv
    samples: dict[int, list[Sample]] = {count: [] for count in POOLS}
    with ExitStack() as stacks:
        names = {count: stacks.enter_context(generated_stack(count)) for count in POOLS}
        for _ in range(args.runs):
            for count in POOLS:
                samples[count].append(plan_once(names[count]))
    base = {field: statistics.median(getattr(s, field) for s in samples[1]) for field in ("wall", "cpu")}
    print(f"make plan, {TENANTS} tenants, median (min-max) of {args.runs} fresh runs each, stacks in turn")
    print("| GPU pools | resources | wall time | ratio | CPU time | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for count, runs in samples.items():
        cells = []
        for field in ("wall", "cpu"):
            values = [getattr(s, field) for s in runs]
            median = statistics.median(values)
            cells += [f"{median:.2f} s ({min(values):.2f}-{max(values):.2f})", f"{median / base[field]:.2f}x"]
        print(f"| {count} | {runs[0].resources} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
