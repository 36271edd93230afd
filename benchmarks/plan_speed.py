"""How long `make plan STACK=dev` takes against the bare import of the Pulumi SDKs it stands on.

Two baselines, because pulumi_gcp and pulumi_kubernetes load their submodules lazily:
  - top-level: `import pulumi, pulumi_gcp, pulumi_kubernetes` (submodules not loaded yet);
  - used submodules: the same plus the submodules the program declares resources from.
Median of several runs of each, every run a fresh process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = "import pulumi, pulumi_gcp, pulumi_kubernetes"
USED_SUBMODULES = (
    # The submodules are lazy too: naming a class is what loads its module.
    "from pulumi_gcp.compute import Network, RouterNat; from pulumi_gcp.container import Cluster, NodePool; "
    "from pulumi_gcp.projects import IAMCustomRole, IAMMember; from pulumi_gcp.serviceaccount import Account; "
    "from pulumi_kubernetes import Provider; from pulumi_kubernetes.core.v1 import Namespace; "
    "from pulumi_kubernetes.rbac.v1 import Role"
)


def median_seconds(command: list[str], runs: int) -> float:
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stack", default="dev")
    args = parser.parse_args()
    median_seconds(["make", "plan", f"STACK={args.stack}"], 1)  # warm caches and .venv
    plan = median_seconds(["make", "plan", f"STACK={args.stack}"], args.runs)
    top_level = median_seconds([sys.executable, "-c", TOP_LEVEL], args.runs)
    used = median_seconds([sys.executable, "-c", USED_SUBMODULES], args.runs)
    print(f"median of {args.runs} runs")
    print(f"make plan STACK={args.stack}:          {plan:.2f} s")
    print(f"import (top-level packages):  {top_level:.2f} s  -> plan is {plan / top_level:.1f}x")
    print(f"import (+ used submodules):   {used:.2f} s  -> plan is {plan / used:.2f}x")


if __name__ == "__main__":
    main()
