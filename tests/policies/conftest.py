"""Tests import the pack as ``policies.kpo_policies`` (its modules only import each other relatively)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gke_kpo.gate import AnalyzerSession, engine_context


@pytest.fixture(scope="session")
def analyzer() -> Iterator[AnalyzerSession]:
    """One pack process for the whole session, started the way the engine starts it."""
    with AnalyzerSession(engine_context("prod")) as session:
        yield session
