"""A delimited block render owns inside a file the user owns (Dockerfile, .dockerignore, .gitignore).

The block is found by its marker lines wherever the user moved it, replaced in place, and added once when absent
(``insert_at`` says where); every line outside it stays byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable

from gke_kpo.render.merge import Part

BEGIN = "# >>> gke-kpo: written by `make render`; edit outside this block, render keeps it current >>>"
END = "# <<< gke-kpo <<<"


def block(lines: list[str]) -> str:
    return "\n".join([BEGIN, *lines, END]) + "\n"


def _span(lines: list[str]) -> tuple[int, int] | None:
    starts = [i for i, line in enumerate(lines) if line.rstrip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.rstrip() == END]
    if not starts or not ends or ends[0] < starts[0]:
        return None
    return starts[0], ends[0] + 1


def _at_end(lines: list[str]) -> int:
    return len(lines)


def block_part(insert_at: Callable[[list[str]], int] = _at_end) -> Part:
    """``insert_at``: the line index a new block goes before, given the file's lines (default: the end)."""

    def extract(text: str) -> str | None:
        lines = text.splitlines()
        span = _span(lines)
        return "\n".join(lines[span[0] : span[1]]) + "\n" if span else None

    def put(text: str, part: str) -> str:
        lines = text.splitlines()
        span = _span(lines)
        if span is None:
            at = insert_at(lines)
            span = (at, at)
        return "\n".join([*lines[: span[0]], *part.splitlines(), *lines[span[1] :]]) + "\n"

    return Part(extract, put)
