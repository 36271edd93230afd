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

Nothing is written either when a folder was rendered for another tenant (unless ``switch_tenant``) or when
something is in the way of a file render would write (obstacles.py). The manifests are written last: should a write
fail all the same (a full disk), each manifest still holds the base of what was there before, so the files written
so far count as this render's next time (``unchanged``) and none of the old ones as the user's.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from gke_kpo.render.files import write_files
from gke_kpo.render.manifest import MANIFEST_PATH, Manifest, RenderedFor, digest, manifest_text, read_manifest
from gke_kpo.render.obstacles import Obstacle, obstacles
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
class Project:
    """One folder's rendered files and whom they are for."""

    root: Path
    rendered_for: RenderedFor
    files: dict[str, str]
    """``{path inside root: text}``"""


@dataclass(frozen=True)
class TenantSwitch:
    """A folder rendered for one tenant that this render is for another."""

    root: Path
    recorded: RenderedFor
    wanted: RenderedFor


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
    other_tenant: list[TenantSwitch]
    """Folders rendered for another tenant, without ``switch_tenant``: nothing was written."""
    switched: list[TenantSwitch]
    """Folders switched to this render's tenant (``switch_tenant``), or under ``dry_run`` that would be; none when
    refused, since a refused render leaves every manifest as it was."""
    blocked: list[Obstacle]
    """What is in the way of a file this render would write: nothing was written."""


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


def placements(files: dict[str, str], root: Path, base: Manifest) -> list[Placement]:
    return [_placement(root, relative, text, base.files.get(relative)) for relative, text in sorted(files.items())]


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


def _written(placement: Placement, resolution: Resolution) -> dict[str, str]:
    """What placing it writes when the render goes through, relative to its root."""
    if placement.status in (Status.UNCHANGED, Status.KEPT):
        return {}
    if placement.status is not Status.CONFLICT:
        return {placement.relative: placement.text}
    if resolution is Resolution.REFUSE:
        return {}
    if resolution is Resolution.BESIDE:
        return {placement.relative + NEW_SUFFIX: placement.text}
    backup = _free(placement.path.with_name(placement.path.name + BACKUP_SUFFIX))
    return {str(backup.relative_to(placement.root)): placement.theirs or "", placement.relative: placement.text}


def _verb(placement: Placement, resolution: Resolution, column: int) -> str:
    if placement.status is not Status.CONFLICT:
        return _VERBS[placement.status][column]
    return _CONFLICT_VERBS[resolution] if column == 2 else "conflict"


def _line(verb: str, placement: Placement, written: dict[str, str]) -> str:
    notes = [placement.note] if placement.note else []
    if placement.status is Status.CONFLICT and written:
        [extra] = [path for path in written if path != placement.relative]
        notes.append(f"{'new version at' if verb == 'beside' else 'your file backed up to'} {placement.root / extra}")
    note = f" ({'; '.join(notes)})" if notes else ""
    return f"{verb:<13}{placement.path}{note}"


def _manifest_changes(projects: list[Project], bases: list[Manifest], planned: list[Placement]) -> dict[Path, str]:
    """``{root: new manifest text}`` of each folder whose manifest this render changes."""
    changes = {}
    for project, base in zip(projects, bases, strict=True):
        recorded = {p.relative: p.recorded for p in planned if p.root == project.root and p.recorded}
        text = manifest_text(base.files | recorded, project.rendered_for)
        path = project.root / MANIFEST_PATH
        if not path.is_file() or path.read_text(encoding="utf-8", errors="replace") != text:
            changes[project.root] = text
    return changes


def place_projects(
    projects: list[Project],
    *,
    resolution: Resolution = Resolution.REFUSE,
    dry_run: bool = False,
    switch_tenant: bool = False,
) -> Outcome:
    """Place each folder's files; all folders or none."""
    bases = [read_manifest(project.root) for project in projects]
    switches = [
        TenantSwitch(project.root, base.rendered_for, project.rendered_for)
        for project, base in zip(projects, bases, strict=True)
        if base.rendered_for and base.rendered_for.tenant != project.rendered_for.tenant
    ]
    other_tenant = [] if switch_tenant else switches
    planned = [
        placement
        for project, base in zip(projects, bases, strict=True)
        for placement in placements(project.files, project.root, base)
    ]
    conflicts = [p for p in planned if p.status is Status.CONFLICT]
    refused = bool(conflicts) and resolution is Resolution.REFUSE and not dry_run
    column = 0 if dry_run else 1 if refused else 2
    writes = [(placement, _written(placement, resolution)) for placement in planned]
    manifests = _manifest_changes(projects, bases, planned)
    targets = [placement.root / relative for placement, written in writes for relative in written]
    blocked = obstacles([*targets, *(root / MANIFEST_PATH for root in manifests)])
    lines = [_line(_verb(p, resolution, column), p, written if column == 2 else {}) for p, written in writes]
    if column == 2 and not other_tenant and not blocked:
        by_root: dict[Path, dict[str, str]] = {project.root: {} for project in projects}
        for placement, written in writes:
            by_root[placement.root] |= written
        for root, files in by_root.items():
            write_files(files, root)
        for root, text in manifests.items():
            write_files({MANIFEST_PATH: text}, root)
    pending = any(p.status not in (Status.UNCHANGED, Status.KEPT) for p in planned)
    return Outcome(
        lines,
        refused,
        pending,
        diffs=[p.diff() for p in conflicts],
        other_tenant=other_tenant,
        switched=switches if switch_tenant and not refused else [],
        blocked=blocked,
    )


def place_files(
    files: dict[str, str],
    out_dir: str | Path,
    rendered_for: RenderedFor,
    *,
    resolution: Resolution = Resolution.REFUSE,
    dry_run: bool = False,
) -> Outcome:
    """One folder's files."""
    return place_projects([Project(Path(out_dir), rendered_for, files)], resolution=resolution, dry_run=dry_run)
