"""Put rendered files into folders the user may own (Astro projects) without ever losing what the user wrote.

Three-way, per file (or per render-owned part of a shared file, see merge.py), with the manifest as the base:
- missing: written; identical to this render: unchanged;
- still what render wrote last time (the manifest's hash): updated freely, whatever changed in the stack;
- edited by the user while this render brings nothing new for it: kept as the user left it;
- edited by the user (or there before render, unknown to the manifest) and this render differs: a conflict.

A conflict refuses the whole render, for every folder at once, with a diff of the user's file against this render:
a half-applied render (a new DAG next to an old connection) would be worse than none. ``beside`` writes the new
version next to it (``<file>.gke-kpo-new``) and keeps the user's; ``force`` replaces it, keeping a backup
(``<file>.gke-kpo-backup``). Every file gets one report line either way.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from gke_kpo.render.files import write_files
from gke_kpo.render.manifest import MANIFEST_PATH, digest, manifest_text, read_manifest
from gke_kpo.render.parts import part_of

NEW_SUFFIX = ".gke-kpo-new"
BACKUP_SUFFIX = ".gke-kpo-backup"


class Status(Enum):
    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATE = "update"
    """Render's own file (or part), untouched since render wrote it."""
    MERGE = "merge"
    """Render's part set into a file of the user's, nothing else of theirs touched."""
    KEPT = "kept"
    """Edited by the user; this render has nothing new for it."""
    CONFLICT = "conflict"


class Resolution(Enum):
    REFUSE = "refuse"
    BESIDE = "beside"
    FORCE = "force"


@dataclass(frozen=True)
class Placement:
    root: Path
    relative: str
    status: Status
    text: str
    """What this render would write there (for a conflict: what replaces or goes beside the user's file)."""
    recorded: str | None
    """The manifest's hash for this file after this render (None: not render's)."""
    theirs: str | None = None
    """The file's text now, when it exists."""
    note: str = ""

    @property
    def path(self) -> Path:
        return self.root / self.relative

    def diff(self) -> str:
        lines = difflib.unified_diff(
            (self.theirs or "").splitlines(keepends=True),
            self.text.splitlines(keepends=True),
            fromfile=f"{self.path} (yours)",
            tofile=f"{self.path} (this render)",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class Outcome:
    lines: list[str]
    refused: bool
    """A conflict and neither ``force`` nor ``beside``: nothing was written."""
    pending: bool
    """Some file would be written or is in conflict (before this call wrote anything): the drift ``--check`` reports."""
    diffs: list[str]
    """One unified diff per conflict: the user's file against this render."""


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _placement(root: Path, relative: str, rendered: str, base: str | None) -> Placement:
    theirs = _read(root / relative)
    part = part_of(relative, rendered)
    ours = part.extract(rendered) if part else rendered
    assert ours is not None, f"{relative}: the rendered text lacks render's own part"
    if theirs is None:
        return Placement(root, relative, Status.NEW, rendered, digest(ours))
    their_part = part.extract(theirs) if part else theirs
    if their_part == ours:
        return Placement(root, relative, Status.UNCHANGED, theirs, digest(ours), theirs)
    merged = part.put(theirs, ours) if part else rendered
    if their_part is not None and base != digest(their_part):
        if base == digest(ours):
            note = "you edited it; this render brings nothing new for it"
            return Placement(root, relative, Status.KEPT, theirs, base, theirs, note)
        note = "you edited it" if base else "not written by render (or its manifest is gone)"
        return Placement(root, relative, Status.CONFLICT, merged or rendered, digest(ours), theirs, note)
    if merged is None:
        note = "merging would change lines of yours"
        return Placement(root, relative, Status.CONFLICT, rendered, digest(ours), theirs, note)
    status = Status.UPDATE if part is None else Status.MERGE
    note = "" if part is None else "added" if their_part is None else "updated, your lines kept"
    return Placement(root, relative, status, merged, digest(ours), theirs, note)


def placements(files: dict[str, str], root: Path) -> list[Placement]:
    base = read_manifest(root)
    return [_placement(root, relative, text, base.get(relative)) for relative, text in sorted(files.items())]


_VERBS = {
    # status: (dry run, refused, written)
    Status.NEW: ("would write", "would write", "written"),
    Status.UNCHANGED: ("unchanged", "unchanged", "unchanged"),
    Status.UPDATE: ("would update", "would update", "updated"),
    Status.MERGE: ("would merge", "would merge", "merged"),
    Status.KEPT: ("kept", "kept", "kept"),
}
_CONFLICT_VERBS = {Resolution.REFUSE: "conflict", Resolution.BESIDE: "beside", Resolution.FORCE: "replaced"}


def _free(path: Path) -> Path:
    """``path`` or, when taken, ``path.2``, ``path.3``, …: a backup never overwrites an earlier one."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.{number}")
    return candidate


def _resolve(placement: Placement, resolution: Resolution, column: int) -> tuple[str, dict[str, str]]:
    """The report verb and note of a conflict, and the files its resolution writes (relative to its root)."""
    if column != 2 or resolution is Resolution.REFUSE:
        return "conflict", {}
    if resolution is Resolution.BESIDE:
        beside = placement.relative + NEW_SUFFIX
        return "beside", {beside: placement.text}
    backup = _free(placement.path.with_name(placement.path.name + BACKUP_SUFFIX))
    relative_backup = str(backup.relative_to(placement.root))
    return "replaced", {relative_backup: placement.theirs or "", placement.relative: placement.text}


def _line(verb: str, placement: Placement, written: dict[str, str]) -> str:
    notes = [placement.note] if placement.note else []
    if placement.status is Status.CONFLICT and written:
        [extra] = [path for path in written if path != placement.relative]
        notes.append(f"{'new version at' if verb == 'beside' else 'your file backed up to'} {placement.root / extra}")
    note = f" ({'; '.join(notes)})" if notes else ""
    return f"{verb:<13}{placement.path}{note}"


def place_projects(
    projects: dict[Path, dict[str, str]],
    *,
    resolution: Resolution = Resolution.REFUSE,
    dry_run: bool = False,
) -> Outcome:
    """Place each folder's files (``{root: {relative path: text}}``); all folders or none."""
    planned = [placement for root, files in projects.items() for placement in placements(files, root)]
    conflicts = [p for p in planned if p.status is Status.CONFLICT]
    refused = bool(conflicts) and resolution is Resolution.REFUSE and not dry_run
    column = 0 if dry_run else 1 if refused else 2
    lines: list[str] = []
    writes: dict[Path, dict[str, str]] = {root: {} for root in projects}
    for placement in planned:
        if placement.status is Status.CONFLICT:
            verb, written = _resolve(placement, resolution, column)
        else:
            verb = _VERBS[placement.status][column]
            changed = placement.status not in (Status.UNCHANGED, Status.KEPT)
            written = {placement.relative: placement.text} if changed else {}
        lines.append(_line(verb, placement, written))
        writes[placement.root] |= written
    if column == 2:
        for root in projects:
            recorded = {p.relative: p.recorded for p in planned if p.root == root and p.recorded}
            write_files(writes[root] | {MANIFEST_PATH: manifest_text(read_manifest(root) | recorded)}, root)
    pending = any(p.status not in (Status.UNCHANGED, Status.KEPT) for p in planned)
    return Outcome(lines, refused, pending, [p.diff() for p in conflicts])


def place_files(
    files: dict[str, str], out_dir: str | Path, *, resolution: Resolution = Resolution.REFUSE, dry_run: bool = False
) -> Outcome:
    """One folder's files."""
    return place_projects({Path(out_dir): files}, resolution=resolution, dry_run=dry_run)
