"""The mock-run caches ``plan_for`` and ``options_for`` live in tests/conftest.py, shared with the policies tests."""

from __future__ import annotations

from tests.conftest import OptionsFor, PlanFor

__all__ = ["OptionsFor", "PlanFor"]
