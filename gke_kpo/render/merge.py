"""The two merges that are well defined: requirements lines by package, Astro connections by conn_id.

A merge returns the text to write and whether it keeps everything the user had (``lossless``). A lossless
merge is applied without ``--force``; a lossy one (a pin of the same package that differs, YAML comments a
re-emitted file would drop) is refused like any other differing file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from gke_kpo.yaml_text import safe_dump

_PACKAGE_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Merge:
    text: str
    lossless: bool
    note: str


def _package(line: str) -> str | None:
    """The normalised project name a requirements line installs (PEP 503), or None for comments/options."""
    if line.lstrip().startswith(("#", "-")):
        return None
    match = _PACKAGE_NAME.match(line)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


def merge_requirements(existing: str, ours: str) -> Merge:
    """Keep every user line verbatim; add our lines whose package is absent; ours replace differing pins."""
    mine = {_package(line): line for line in ours.splitlines() if _package(line)}
    kept, replaced = [], []
    for line in existing.splitlines():
        name = _package(line)
        if name in mine and line.strip() != mine[name].strip():
            replaced.append(line.strip())
            kept.append(mine.pop(name))
        else:
            mine.pop(name, None)
            kept.append(line)
    added = list(mine.values())
    text = "\n".join(kept + added) + "\n"
    parts = [f"added {', '.join(added)}"] if added else []
    parts += [f"your pin {', '.join(replaced)} differs"] if replaced else []
    note = "; ".join(parts) or "your lines kept"
    return Merge(text, lossless=not replaced, note=note)


def _connections(document: Any) -> list[Any]:
    airflow = document.get("airflow") if isinstance(document, dict) else None
    connections = airflow.get("connections") if isinstance(airflow, dict) else None
    return connections if isinstance(connections, list) else []


def merge_airflow_settings(existing: str, ours: str) -> Merge | None:
    """Replace or add our connections by conn_id, keeping every other connection, pool and variable.

    None when the existing file is not an Astro settings mapping (then it is not ours to reshape).
    """
    try:
        document = yaml.safe_load(existing)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("airflow", {}), dict):
        return None
    ours_by_id = {c["conn_id"]: c for c in _connections(yaml.safe_load(ours))}
    ids = ", ".join(sorted(ours_by_id))
    if all(connection in _connections(document) for connection in ours_by_id.values()):
        return Merge(existing, lossless=True, note=f"connection {ids} already there")
    theirs = [c for c in _connections(document) if not (isinstance(c, dict) and c.get("conn_id") in ours_by_id)]
    airflow = document.setdefault("airflow", {})
    airflow["connections"] = theirs + list(ours_by_id.values())
    airflow.setdefault("pools", [])
    airflow.setdefault("variables", [])
    text = safe_dump(document, sort_keys=False, width=1_000_000)
    # Re-emitting YAML drops comments: that loses something the user wrote, so it needs --force.
    has_comments = any(line.lstrip().startswith("#") or " #" in line for line in existing.splitlines())
    note = f"connection {ids} set, your other entries kept" + ("; your YAML comments would be dropped" * has_comments)
    return Merge(text, lossless=not has_comments, note=note)


MERGERS: dict[str, Callable[[str, str], Merge | None]] = {
    "requirements.txt": merge_requirements,
    "airflow_settings.yaml": merge_airflow_settings,
}
"""By file name, so the same merge applies in any subfolder (one per tenant, say)."""


def merge(relative: str, existing: str, ours: str) -> Merge | None:
    merger = MERGERS.get(PurePosixPath(relative).name)
    return merger(existing, ours) if merger else None
