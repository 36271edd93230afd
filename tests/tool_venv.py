"""Independent checkers whose pins conflict with the shared .venv (Airflow's), each in a venv of its own.

A venv per pinned file, made on first use from ``requirements-tools/<tool>.txt`` (a full ``pip freeze``) under the
user's cache, keyed by the file's digest, so worktrees and CI runs share it and a new pin makes a new one. A lock
keeps pytest-xdist workers from building it twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from gke_kpo.repo import REPO_ROOT

REQUIREMENTS = REPO_ROOT / "requirements-tools"


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gke-kpo-tools"


def tool_bin(tool: str, executable: str) -> Path:
    """The path of ``executable`` in the tool's venv, building the venv first when it is missing."""
    requirements = REQUIREMENTS / f"{tool}.txt"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:12]
    home = _cache_root() / f"{tool}-{digest}"
    ready = home / ".ready"
    home.parent.mkdir(parents=True, exist_ok=True)
    with (home.parent / f"{tool}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            shutil.rmtree(home, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
            pip = [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            result = subprocess.run([*pip, "-r", str(requirements)], capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"installing {requirements.name} failed:\n{result.stderr[-3000:]}"
            ready.touch()
    return home / "bin" / executable
