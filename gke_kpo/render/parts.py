"""Which files render shares with the user, by file name, and how its part of each is found (merge.py, blocks.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from gke_kpo.render.blocks import block_part
from gke_kpo.render.dockerfile import dockerfile_part
from gke_kpo.render.merge import Part, requirements_part, settings_part

PARTS: dict[str, Callable[[str], Part]] = {
    "requirements.txt": requirements_part,
    "airflow_settings.yaml": settings_part,
    ".dockerignore": lambda _ours: block_part(),
    ".gitignore": lambda _ours: block_part(),
    "Dockerfile": dockerfile_part,
}
"""By file name, so the same part applies in any subfolder (one per tenant, say)."""


def part_of(relative: str, ours: str) -> Part | None:
    """How render's part of this file is found, from the rendered text; None: render owns the whole file."""
    make = PARTS.get(PurePosixPath(relative).name)
    return make(ours) if make else None
