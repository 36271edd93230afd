"""What render wrote into a folder: ``.gke-kpo/manifest.json``, a SHA-256 per file of the part that is render's.

Why a manifest of hashes in the folder itself (docs: README "Who owns which file"):
- a three-way decision needs the base: what render wrote last time. Comparing the file with this render alone cannot
  tell "the stack changed" (update it) from "the user edited it" (keep it), which is what made every stack change
  need ``--force`` before;
- hashes, not copies: the base is only compared, never merged, so a copy would be a second set of connection files
  to keep out of the image and out of git for nothing;
- in the folder, not in this repository or a home directory: it travels with the project (commit it, and a teammate's
  render in a fresh clone knows what render owns), and one folder per tenant has one manifest each;
- a marker comment in each file instead would not work for JSON and would be lost when a user copies a file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MANIFEST_PATH = ".gke-kpo/manifest.json"
_ABOUT = (
    "Written by gke-kpo's `make render`: the SHA-256 of what it last wrote into each file (the whole file, or only "
    "its own part of requirements.txt, airflow_settings.yaml, Dockerfile, .dockerignore, .gitignore). A file that "
    "still matches is updated freely; one you edited is never overwritten silently. Commit this file."
)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(root: Path) -> dict[str, str]:
    """``{relative path: sha256}``; empty when absent or unreadable (then every existing file counts as the user's)."""
    try:
        loaded = json.loads((root / MANIFEST_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = loaded.get("files") if isinstance(loaded, dict) else None
    if not isinstance(files, dict):
        return {}
    return {path: sha for path, sha in files.items() if isinstance(path, str) and isinstance(sha, str)}


def manifest_text(files: dict[str, str]) -> str:
    return json.dumps({"about": _ABOUT, "files": dict(sorted(files.items()))}, indent=2) + "\n"
