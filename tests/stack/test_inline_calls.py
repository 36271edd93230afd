"""The mock monitor answered on the loop's thread: results and failures as the thread pool gave them."""

from __future__ import annotations

import asyncio
import threading

import pytest
from pulumi.runtime import mocks

from gke_kpo.preview.capture import PlannedResource, run_program
from gke_kpo.preview.inline_calls import InlineExecutor, WouldWaitError, completed_now, mock_monitor_inline


def test_a_call_runs_before_submit_returns_on_the_callers_thread() -> None:
    ran_on: list[threading.Thread] = []

    def double(value: int) -> int:
        ran_on.append(threading.current_thread())
        return value * 2

    done = InlineExecutor().submit(double, 21)
    assert done.done() and done.result() == 42 and ran_on == [threading.current_thread()]


def test_a_failing_call_hands_its_error_to_the_awaiting_task() -> None:
    async def awaited() -> None:
        await asyncio.get_running_loop().run_in_executor(None, int, "not a number")

    loop = asyncio.new_event_loop()
    loop.set_default_executor(InlineExecutor())
    try:
        with pytest.raises(ValueError, match="not a number"):
            loop.run_until_complete(awaited())
    finally:
        loop.close()


def test_a_coroutine_that_never_waits_completes_now() -> None:
    async def plain(value: int) -> int:
        return value + 1

    assert completed_now(plain(1)) == 2


def test_a_coroutine_that_waits_is_refused_and_closed() -> None:
    closed: list[bool] = []

    async def waits() -> None:
        try:
            await asyncio.sleep(0)
        finally:
            closed.append(True)

    with pytest.raises(WouldWaitError, match="waited for an event loop turn"):
        completed_now(waits())
    assert closed == [True]


async def _waits_then(value: int) -> int:
    await asyncio.sleep(0)
    return value


def test_a_call_that_would_wait_runs_in_a_worker_thread_as_without_inline_calls() -> None:
    ran_on: list[threading.Thread] = []

    def serialize(value: int) -> int:
        ran_on.append(threading.current_thread())
        result: int = mocks._sync_await(_waits_then(value))  # type: ignore[attr-defined]
        return result

    original = mocks._sync_await  # type: ignore[attr-defined]
    with mock_monitor_inline():
        done = InlineExecutor(max_workers=1).submit(serialize, 7)
        assert done.result(timeout=10) == 7
    assert ran_on[0] is threading.current_thread() and ran_on[-1] is not threading.current_thread()
    assert mocks._sync_await is original  # type: ignore[attr-defined]


def test_the_program_registers_every_resource_on_the_loops_thread() -> None:
    seen: list[threading.Thread] = []

    def observe(resource: PlannedResource) -> None:
        seen.append(threading.current_thread())

    plan = run_program("dev", observe=observe)
    assert len(seen) == len(plan.resources) > 20
    assert set(seen) == {threading.current_thread()}
