"""Write rendered files into a folder of our own (build/), replacing what is there; user folders: place.py."""

from __future__ import annotations

from pathlib import Path


def write_files(files: dict[str, str], out_dir: str | Path) -> None:
    root = Path(out_dir)
    made: set[Path] = set()
    for relative, text in sorted(files.items()):
        target = root / relative
        if target.parent not in made:
            # Once per folder: a hundred tenants are some 800 files in 200 folders.
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        # newline="" keeps "\n" on every platform: same input, same bytes.
        target.write_text(text, encoding="utf-8", newline="")
