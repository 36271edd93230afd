"""Put rendered files into a folder the user may already own (an Astro project) without destroying anything.

Over any ``{relative_path: text}`` mapping, whatever its folder layout: a missing file is written, an identical
one left alone, ``requirements.txt`` and ``airflow_settings.yaml`` merged when nothing of the user's is lost,
and any other difference refused, for all files at once, unless ``force``: a half-applied render (a new DAG
next to an old connection) would be worse than none. Every file gets one report line either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from gke_kpo.render.files import write_files
from gke_kpo.render.merge import merge


class Status(Enum):
    NEW = "new"
    UNCHANGED = "unchanged"
    MERGE = "merge"
    DIFFERS = "differs"


@dataclass(frozen=True)
class Placement:
    relative: str
    status: Status
    text: str
    """What would be written: the rendered text, or the merge of it into the user's file."""
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    lines: list[str]
    refused: bool
    """Something differs and ``force`` was not given: nothing was written."""
    pending: bool
    """Some file is missing or differs (before this call wrote anything): the drift ``--check`` reports."""


def _placement(relative: str, text: str, root: Path) -> Placement:
    path = root / relative
    if not path.is_file():
        return Placement(relative, Status.NEW, text)
    existing = path.read_text(encoding="utf-8")
    if existing == text:
        return Placement(relative, Status.UNCHANGED, text)
    merged = merge(relative, existing, text)
    if merged is None:
        return Placement(relative, Status.DIFFERS, text)
    if merged.text == existing:
        return Placement(relative, Status.UNCHANGED, existing, merged.note)
    return Placement(relative, Status.MERGE if merged.lossless else Status.DIFFERS, merged.text, merged.note)


def placements(files: dict[str, str], out_dir: str | Path) -> list[Placement]:
    root = Path(out_dir)
    return [_placement(relative, text, root) for relative, text in sorted(files.items())]


_VERBS = {
    # status: (dry run, refused, written)
    Status.NEW: ("would write", "would write", "written"),
    Status.UNCHANGED: ("unchanged", "unchanged", "unchanged"),
    Status.MERGE: ("would merge", "would merge", "merged"),
    Status.DIFFERS: ("differs", "differs", "overwritten"),
}


def _line(placement: Placement, root: Path, column: int) -> str:
    verb = _VERBS[placement.status][column]
    note = f" ({placement.note})" if placement.note else ""
    return f"{verb:<12}{root / placement.relative}{note}"


def place_files(files: dict[str, str], out_dir: str | Path, *, force: bool = False, dry_run: bool = False) -> Outcome:
    """Write what is safe (everything with ``force``); report every file; write nothing when refused or dry."""
    root = Path(out_dir)
    planned = placements(files, root)
    refused = not force and not dry_run and any(p.status is Status.DIFFERS for p in planned)
    column = 0 if dry_run else 1 if refused else 2
    if column == 2:
        write_files({p.relative: p.text for p in planned if p.status is not Status.UNCHANGED}, root)
    pending = any(p.status is not Status.UNCHANGED for p in planned)
    return Outcome([_line(p, root, column) for p in planned], refused, pending)
