"""Run ``python -m gke_kpo.plan`` as a user would (a subprocess on real files) and read its printout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from components import replacement_review
from components.replacement_review import InputReview
from gke_kpo.plan.capture import REPO_ROOT

NODE_POOL = "gcp:container/nodePool:NodePool"
SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"

LOCAL_ROWS = (
    # Fallbacks while the review table is silent on these paths (its rows win as soon as they exist); they state
    # the Terraform google provider's ForceNew flags the brief's scenarios rely on, and only serve these tests.
    InputReview(NODE_POOL, "location", True, ("zone",), "test-local: google_container_node_pool location ForceNew"),
    InputReview(NODE_POOL, "cluster", True, (), "test-local: google_container_node_pool cluster ForceNew"),
    InputReview(NODE_POOL, "nodeConfig.machineType", True, (), "test-local: node_config.machine_type ForceNew"),
    InputReview(SUBNETWORK, "ipCidrRange", True, (), "test-local: ip_cidr_range ForceNew unless it only grows"),
)

_RUNNER = """
import sys
from components import replacement_review as review
from tests.stack.plan_run import missing_local_rows
review.REVIEW = review.REVIEW + missing_local_rows()
from gke_kpo.plan.__main__ import main
sys.exit(main(sys.argv[1:]))
"""

_ROW = re.compile(r"^\s*(?P<op>\+-|\+|~|-)?\s+(?P<type>[a-z0-9]+:\S+)\s+(?P<name>\S+)")


def missing_local_rows() -> tuple[InputReview, ...]:
    return tuple(row for row in LOCAL_ROWS if replacement_review.governing_row(row.resource_type, row.path) is None)


def forces_replacement(resource_type: str, path: str) -> bool:
    """The review table as the plan runs in these tests: its own rows, then the local fallbacks."""
    saved = replacement_review.REVIEW
    replacement_review.REVIEW = saved + missing_local_rows()
    try:
        return replacement_review.forces_replacement(resource_type, path)
    finally:
        replacement_review.REVIEW = saved


def run_plan(*args: str, with_local_rows: bool = False) -> subprocess.CompletedProcess[str]:
    command = ["-c", _RUNNER] if with_local_rows else ["-m", "gke_kpo.plan"]
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, *command, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def plan_edited(
    tmp_path: Path, stack: str, edits: dict[str, str], golden: Path | None = None, append: str = ""
) -> subprocess.CompletedProcess[str]:
    """Plan ``stack`` from a copy of its stack file with each ``old: new`` edit applied and ``append`` added."""
    text = (REPO_ROOT / f"Pulumi.{stack}.yaml").read_text() + append
    for old, new in edits.items():
        assert old in text, f"Pulumi.{stack}.yaml no longer holds {old!r}: update the test"
        text = text.replace(old, new)
    stack_file = tmp_path / f"Pulumi.{stack}.yaml"
    stack_file.write_text(text)
    args = ["--stack", stack, "--stack-file", str(stack_file), "--build-dir", str(tmp_path / "build")]
    if golden is not None:
        args += ["--golden", str(golden)]
    return run_plan(*args, with_local_rows=True)


def operations(printed: str) -> dict[tuple[str, str], str]:
    """(short type, name) -> preview marker ("" when unchanged) for every resource row of the tree."""
    found = {}
    for line in printed.splitlines():
        match = _ROW.match(line)
        if match:
            found[(match["type"], match["name"])] = match["op"] or ""
    return found
