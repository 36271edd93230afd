"""``make golden``: rewrite the golden inventory of every stack; review the diff before committing."""

from __future__ import annotations

from gke_kpo.plan.inventory import write_golden
from gke_kpo.preview.capture import run_program
from gke_kpo.repo import REPO_ROOT, known_stacks

if __name__ == "__main__":
    for stack in known_stacks():
        print(f"wrote {write_golden(run_program(stack)).relative_to(REPO_ROOT)}")
