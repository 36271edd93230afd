"""Write rendered files into a folder of our own (build/), replacing what is there; user folders: place.py."""

from __future__ import annotations

from pathlib import Path


def write_files(files: dict[str, str], out_dir: str | Path) -> None:
    root = Path(out_dir)
    for relative, text in sorted(files.items()):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # newline="" keeps "\n" on every platform: same input, same bytes.
        target.write_text(text, encoding="utf-8", newline="")
