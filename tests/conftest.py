"""What every test folder shares: mock runs of the program (each evaluated once per test process), and the
pytest-xdist grouping that keeps tests sharing expensive module fixtures or the .venv on one worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from gke_kpo.preview.capture import Plan, run_program
from tests.stack.options import Recorded, run_recording_options

PlanFor = Callable[..., Plan]
OptionsFor = Callable[..., Recorded]

XDIST_GROUPS = {
    "tests/e2e/test_tenants.py": "e2e-tenants",
    "tests/render/test_dag_imports.py": "render-dagbag",
    "tests/render/test_pod_checkov.py": "tool-venvs",
    "tests/policies/test_fence_connectivity.py": "tool-venvs",
    "tests/render/test_render_safety.py": "make-venv",
    "tests/render/test_render_out.py": "make-venv",
    "tests/stack/test_new_stack.py": "make-venv",
    "tests/stack/test_plan_command.py::test_make_plan_dev_fits_a_screen_and_lists_every_resource": "make-venv",
}
"""The tests each ``xdist_group`` marker names, by node id prefix, for the scheduler (which sees node ids only).

pytest-xdist's own loadgroup appends the group to ``item._nodeid``, which pytest 9 no longer reads, so its
groups would be ignored; pytest_collection_modifyitems below checks this table against the markers."""


def _group_of(nodeid: str) -> str | None:
    for prefix, group in XDIST_GROUPS.items():
        if nodeid == prefix or nodeid.startswith((f"{prefix}::", f"{prefix}[")):
            return group
    return None


class _LoadGroupScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist ships no type information
    """``--dist loadgroup`` as documented: a test with a group shares a worker with its group, others spread."""

    def _split_scope(self, nodeid: str) -> str:
        return _group_of(nodeid) or nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    return _LoadGroupScheduling(config, log) if config.getvalue("dist") == "loadgroup" else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mismatched = []
    for item in items:
        marked = {str(mark.args[0]) for mark in item.iter_markers("xdist_group")}
        group = _group_of(item.nodeid)
        if marked != ({group} if group else set()):
            mismatched.append(f"{item.nodeid}: marked {sorted(marked)}, XDIST_GROUPS says {group}")
    if mismatched:
        raise pytest.UsageError("update XDIST_GROUPS in tests/conftest.py:\n" + "\n".join(mismatched))


@pytest.fixture(scope="session")
def plan_for() -> PlanFor:
    """Mock runs are deterministic, so each (stack, overrides) pair is evaluated once per test process
    (per pytest-xdist worker). Callers must not change the Plan they get: copy what they mutate."""
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Plan] = {}

    def run(stack: str, **overrides: Any) -> Plan:
        key = (stack, tuple(sorted((k, repr(v)) for k, v in overrides.items())))
        if key not in cache:
            cache[key] = run_program(stack, {f"gke-kpo:{name}": value for name, value in overrides.items()})
        return cache[key]

    return run


@pytest.fixture(scope="session")
def options_for() -> OptionsFor:
    """Resource options by (type, logical name), per (stack, overrides), recorded once per test process."""
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Recorded] = {}

    def run(stack: str, **overrides: Any) -> Recorded:
        key = (stack, tuple(sorted((k, repr(v)) for k, v in overrides.items())))
        if key not in cache:
            config = {f"gke-kpo:{name}": value for name, value in overrides.items()}
            cache[key] = run_recording_options(stack, config)[1]
        return cache[key]

    return run
