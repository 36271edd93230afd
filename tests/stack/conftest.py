from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gke_kpo.preview.capture import Plan, run_program
from tests.stack.options import Recorded, run_recording_options

PlanFor = Callable[..., Plan]
OptionsFor = Callable[..., Recorded]


@pytest.fixture(scope="session")
def plan_for() -> PlanFor:
    """Mock runs are deterministic, so each (stack, overrides) pair is evaluated once per session."""
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Plan] = {}

    def run(stack: str, **overrides: Any) -> Plan:
        key = (stack, tuple(sorted((k, repr(v)) for k, v in overrides.items())))
        if key not in cache:
            cache[key] = run_program(stack, {f"gke-kpo:{name}": value for name, value in overrides.items()})
        return cache[key]

    return run


@pytest.fixture(scope="session")
def options_for() -> OptionsFor:
    """Resource options by (type, logical name), per (stack, overrides), recorded once per session."""
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Recorded] = {}

    def run(stack: str, **overrides: Any) -> Recorded:
        key = (stack, tuple(sorted((k, repr(v)) for k, v in overrides.items())))
        if key not in cache:
            config = {f"gke-kpo:{name}": value for name, value in overrides.items()}
            cache[key] = run_recording_options(stack, config)[1]
        return cache[key]

    return run
