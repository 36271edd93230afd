"""What render wrote into a folder: ``.gke-kpo/manifest.json``, a SHA-256 per file of the part that is render's.

Why a manifest of hashes in the folder itself (docs: README "Who owns which file"):
- a three-way decision needs the base: what render wrote last time. Comparing the file with this render alone cannot
  tell "the stack changed" (update it) from "the user edited it" (keep it), which is what made every stack change
  need ``--force`` before;
- hashes, not copies: the base is only compared, never merged, so a copy would be a second set of connection files
  to keep out of the image and out of git for nothing;
- in the folder, not in this repository or a home directory: it travels with the project (commit it, and a teammate's
  render in a fresh clone knows what render owns), and one folder per tenant has one manifest each;
- a marker comment in each file instead would not work for JSON and would be lost when a user copies a file;
- the tenant too: a folder is one tenant's (its Astro project), and to the three-way rules another tenant's render
  looks like a stack change (render's unedited files are updated freely), so without the record its connection
  would quietly switch namespace.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gke_kpo.contract import outputs as names
from gke_kpo.spec.kubeconfig import context_name

MANIFEST_PATH = ".gke-kpo/manifest.json"
_ABOUT = (
    "Written by gke-kpo's `make render`: the tenant and cluster (its kubeconfig context) this folder is rendered "
    "for, and the SHA-256 of what it last wrote into each file (the whole file, or only its own part of "
    "requirements.txt, airflow_settings.yaml, Dockerfile, .dockerignore, .gitignore). A file that still matches is "
    "updated freely; one you edited is never overwritten silently; another tenant is refused unless "
    "SWITCH_TENANT=1. Commit this file."
)


@dataclass(frozen=True)
class RenderedFor:
    """Whom a folder's files are for. Recorded so that rendering another tenant into it is refused, not done:
    its connection would silently point at that tenant's namespace."""

    tenant: str
    cluster: str
    """The cluster's kubeconfig context name, ``gke_<project>_<location>_<cluster>``: which stack outputs."""

    def __str__(self) -> str:
        return f"tenant {self.tenant} of cluster {self.cluster}" if self.cluster else f"tenant {self.tenant}"


@dataclass(frozen=True)
class Manifest:
    files: dict[str, str]
    """``{relative path: sha256}`` of what render last wrote."""
    rendered_for: RenderedFor | None
    """None: no manifest, or one from before render recorded the tenant (then it is recorded from now on)."""


def rendered_for(outputs: dict[str, Any], tenant: str) -> RenderedFor:
    """``tenant`` of the cluster of ``outputs`` (checked outputs: render_files raises on a missing key first)."""
    cluster = context_name(outputs[names.PROJECT], outputs[names.LOCATION], outputs[names.CLUSTER_NAME])
    return RenderedFor(tenant, cluster)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(root: Path) -> Manifest:
    """Empty when absent or unreadable: then every existing file counts as the user's, and any tenant may render."""
    try:
        loaded = json.loads((root / MANIFEST_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest({}, None)
    if not isinstance(loaded, dict):
        return Manifest({}, None)
    files = loaded.get("files")
    hashes = (
        {path: sha for path, sha in files.items() if isinstance(path, str) and isinstance(sha, str)}
        if isinstance(files, dict)
        else {}
    )
    tenant, cluster = loaded.get("tenant"), loaded.get("cluster")
    recorded = RenderedFor(tenant, cluster if isinstance(cluster, str) else "") if isinstance(tenant, str) else None
    return Manifest(hashes, recorded)


def tenant_folders(root: Path, tenants: Iterable[str]) -> list[str]:
    """The ``tenants`` with a folder of their own in ``root`` rendered for them: what a render of every tenant into
    ``root`` leaves there, so ``root`` is no one tenant's folder."""
    return [
        tenant
        for tenant in tenants
        if (recorded := read_manifest(root / tenant).rendered_for) and recorded.tenant == tenant
    ]


def manifest_text(files: dict[str, str], recorded: RenderedFor) -> str:
    fields = {
        "about": _ABOUT,
        "tenant": recorded.tenant,
        "cluster": recorded.cluster,
        "files": dict(sorted(files.items())),
    }
    return json.dumps(fields, indent=2) + "\n"
