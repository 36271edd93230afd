"""Write rendered files, or tell which ones on disk differ (the CI drift check)."""

from __future__ import annotations

from pathlib import Path


def write_files(files: dict[str, str], out_dir: str | Path) -> None:
    root = Path(out_dir)
    for relative, text in sorted(files.items()):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # newline="" keeps "\n" on every platform: same input, same bytes.
        target.write_text(text, encoding="utf-8", newline="")


def changed_files(files: dict[str, str], out_dir: str | Path) -> list[str]:
    """The relative paths that are missing or whose bytes differ from ``files``, sorted."""
    root = Path(out_dir)
    return sorted(
        relative
        for relative, text in files.items()
        if not (root / relative).is_file() or (root / relative).read_bytes() != text.encode("utf-8")
    )
