"""Entry point the Pulumi engine runs (``python -u -m pulumi.policy <engine> .`` in this directory).

Constructing ``PolicyPack`` starts the analyzer gRPC server, prints its port and blocks, so this is
the only module that does it; the policies live in ``kpo_policies``.
"""

import gc
import sys
from pathlib import Path

# The engine runs the pack with cwd = this directory; gke_kpo (the permission table) lives in the
# repository root, so the pack only works from inside this repository.
PACK_DIR = Path(__file__).resolve().parent
for import_root in (PACK_DIR.parent, PACK_DIR):
    if str(import_root) not in sys.path:
        sys.path.insert(0, str(import_root))

# mypy, run from the repository root, knows this package as policies.kpo_policies.
from kpo_policies import decode_once  # type: ignore[import-not-found]  # noqa: E402
from kpo_policies.pack import PACK_NAME, POLICIES  # type: ignore[import-not-found]  # noqa: E402
from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

# Everything imported so far lives as long as the pack: keep the cyclic GC from re-scanning it on every full
# collection while a stack of hundreds of resources is analyzed (benchmarks/tenant_scale.py).
gc.freeze()
decode_once.install()

PolicyPack(
    name=PACK_NAME,
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Least-privilege and hardening guardrails for a GKE cluster running Airflow KPO tasks.",
)
