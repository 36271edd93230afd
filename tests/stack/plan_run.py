"""Run ``python -m gke_kpo.plan`` as a user would (a subprocess on real files) and read its printout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from gke_kpo.repo import REPO_ROOT, stack_file

_ROW = re.compile(r"^\s*(?P<op>\+-|\+|~|-)?\s+(?P<type>[a-z0-9]+:\S+)\s+(?P<name>\S+)")


def run_plan(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "gke_kpo.plan", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def plan_edited(
    tmp_path: Path, stack: str, edits: dict[str, str], golden: Path | None = None, append: str = ""
) -> subprocess.CompletedProcess[str]:
    """Plan ``stack`` from a copy of its stack file with each ``old: new`` edit applied and ``append`` added."""
    text = stack_file(stack).read_text() + append
    for old, new in edits.items():
        assert old in text, f"Pulumi.{stack}.yaml no longer holds {old!r}: update the test"
        text = text.replace(old, new)
    edited = stack_file(stack, tmp_path)
    edited.write_text(text)
    args = ["--stack", stack, "--stack-file", str(edited), "--build-dir", str(tmp_path / "build")]
    if golden is not None:
        args += ["--golden", str(golden)]
    return run_plan(*args)


def operations(printed: str) -> dict[tuple[str, str], str]:
    """(short type, name) -> preview marker ("" when unchanged) for every resource row of the tree."""
    found = {}
    for line in printed.splitlines():
        match = _ROW.match(line)
        if match:
            found[(match["type"], match["name"])] = match["op"] or ""
    return found
