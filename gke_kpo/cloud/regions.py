"""The Google Cloud regions known on a date (``data/regions.json``, with its source): a region name that has the
right shape but is not among them is most likely mistyped. A region newer than the file is not refused for that
alone; the config warns, and a zone error on it says the region may be the mistake. Standard library only."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Final

from gke_kpo.repo import repo_relative

REGIONS_FILE: Final = Path(__file__).resolve().parent / "data" / "regions.json"
REGIONS_FILE_SHOWN: Final = repo_relative(REGIONS_FILE)
_DATA: Final = json.loads(REGIONS_FILE.read_text())
READ_ON: Final[str] = _DATA["read_on"]
KNOWN_REGIONS: Final[frozenset[str]] = frozenset(_DATA["regions"])


def unknown_region(region: str) -> str | None:
    """None for a known region; else why it looks wrong, with the nearest known names."""
    if region in KNOWN_REGIONS:
        return None
    near = difflib.get_close_matches(region, sorted(KNOWN_REGIONS), n=3, cutoff=0.7)
    nearest = f", the nearest being {', '.join(near)}" if near else ""
    return f"{region!r} is not among the Google Cloud regions known on {READ_ON} ({REGIONS_FILE_SHOWN}){nearest}"
