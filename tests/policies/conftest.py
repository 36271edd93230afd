"""The pack's package lives in policies/ (the engine runs it from there); put it on the path."""

from __future__ import annotations

import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))


from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from gke_kpo.gate import AnalyzerSession, engine_context  # noqa: E402


@pytest.fixture(scope="session")
def analyzer() -> Iterator[AnalyzerSession]:
    """One pack process for the whole session, started the way the engine starts it."""
    with AnalyzerSession(engine_context("prod")) as session:
        yield session
