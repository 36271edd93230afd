"""The mock monitor answered on the loop's thread: results and failures as the thread pool gave them."""

from __future__ import annotations

import asyncio
import threading

import pytest
from pulumi.runtime import mocks

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


def test_the_mock_monitor_serializes_inline_only_while_the_program_runs() -> None:
    original = mocks._sync_await  # type: ignore[attr-defined]
    with mock_monitor_inline():
        assert mocks._sync_await is completed_now  # type: ignore[attr-defined]
    assert mocks._sync_await is original  # type: ignore[attr-defined]
