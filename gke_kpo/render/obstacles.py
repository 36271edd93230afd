"""What would stop render from writing its files, found before it writes any: a render that stopped half-way
(a new DAG next to an old connection) would be worse than none.

Each file render means to write needs every folder above it to be a folder or missing (render creates it; a symlink
to a folder counts as one, a dangling symlink is in the way), itself to be a file or missing, and write permission
where it lands: on the file it replaces, or on the deepest folder that exists (where the new file or folder is
created). ``os.access`` asks the kernel, so it also answers for a read-only file system and for an immutable file or
folder (``chattr +i``), even for root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Problem(Enum):
    FILE_IN_THE_WAY = "is a file, not a folder"
    DANGLING_LINK = "is a symlink to {link}, which does not exist"
    FOLDER_IN_THE_WAY = "is a folder, not a file"
    NOT_WRITABLE = "cannot be written (no write permission, or a read-only file system)"


@dataclass(frozen=True)
class Obstacle:
    path: Path
    """What is in the way: a folder above a target, the target itself, or the folder it would be created in."""
    problem: Problem
    link: str = ""
    """Where a dangling symlink points, as written in it (read when found: the message needs no second look)."""

    @property
    def what(self) -> str:
        """The problem, said of ``path``."""
        return self.problem.value.format(link=self.link)


def _writable(path: Path) -> bool:
    # A folder needs search (x) permission too, to create anything in it.
    return os.access(path, os.W_OK | (os.X_OK if path.is_dir() else 0))


def obstacle(target: Path) -> Obstacle | None:
    """What stops writing ``target`` (and creating the folders it needs), if anything."""
    deepest = Path(target.anchor or ".")
    for folder in reversed(target.parents):
        if folder.is_dir():
            deepest = folder
            continue
        if folder.is_symlink() and not folder.exists():  # mkdir cannot replace it, and "a file" would puzzle
            return Obstacle(folder, Problem.DANGLING_LINK, os.readlink(folder))
        if folder.exists():
            return Obstacle(folder, Problem.FILE_IN_THE_WAY)
        return None if _writable(deepest) else Obstacle(deepest, Problem.NOT_WRITABLE)
    if target.is_symlink() and not target.exists():  # writing would follow it into a folder that is not there
        return Obstacle(target, Problem.DANGLING_LINK, os.readlink(target))
    if target.is_dir():
        return Obstacle(target, Problem.FOLDER_IN_THE_WAY)
    where = target if target.exists() else target.parent
    return None if _writable(where) else Obstacle(where, Problem.NOT_WRITABLE)


def obstacles(targets: Iterable[Path]) -> list[Obstacle]:
    """Every distinct obstacle of ``targets``, in path order: one file in the place of the output folder is one."""
    distinct = {blocking for target in targets if (blocking := obstacle(target))}
    return sorted(distinct, key=lambda blocking: (str(blocking.path), blocking.problem.name))
