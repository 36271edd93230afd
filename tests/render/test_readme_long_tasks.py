"""The README states the rendered GPU task's retry settings as long_tasks.py defines them."""

from __future__ import annotations

from gke_kpo.render.long_tasks import GPU_MAX_RETRY_DELAY_SECONDS, GPU_RETRIES, GPU_RETRY_DELAY_SECONDS
from gke_kpo.render.pins import GPU_TASK_IMAGE
from gke_kpo.repo import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()


def test_the_retry_row_and_the_troubleshooting_match_the_rendered_values() -> None:
    first = GPU_RETRY_DELAY_SECONDS // 60
    row = f"`{GPU_RETRIES}`, {first} min, on, {GPU_MAX_RETRY_DELAY_SECONDS // 3600} h"
    assert row in README
    delays = ", ".join(f"{first * 2**n}" for n in range(GPU_RETRIES - 1)) + f" and {first * 2 ** (GPU_RETRIES - 1)} min"
    assert f"retries {GPU_RETRIES} times, {delays} apart" in README
    assert f"`{GPU_TASK_IMAGE}`" in README
