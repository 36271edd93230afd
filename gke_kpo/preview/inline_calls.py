"""The mock monitor answered on the event loop's own thread, as the plain function calls they are.

The SDK sends every call to the resource monitor through the loop's default executor, a pool of threads, because a
real monitor is a gRPC server that may take a while. The mock monitor answers at once, in this process, so the pool
only added thread hand-offs: at 100 tenants, about a sixth of the program's samples were the pool's locks and the
loop's self-pipe wake-ups, each a contended hand-over of the interpreter lock (py-spy, benchmarks/tenant_scale.py).

On the loop's thread, the mock monitor's ``_sync_await`` (pulumi/runtime/mocks.py) would run the loop again from
inside one of its callbacks, nested once per registration; so the outputs it serializes are serialized here without
the loop: they are the values the monitor itself just deserialized, so serializing them never waits for anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from pulumi.runtime import mocks

Result = TypeVar("Result")


class InlineExecutor(ThreadPoolExecutor):
    """Runs each submitted call before ``submit`` returns (asyncio accepts only a ThreadPoolExecutor as default)."""

    def submit(self, fn: Callable[..., Result], /, *args: Any, **kwargs: Any) -> Future[Result]:
        done: Future[Result] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as error:
            done.set_exception(error)
        return done


class WouldWaitError(RuntimeError):
    """A mock monitor call needed an event loop turn to finish, which no plain value does."""


def completed_now(awaitable: Awaitable[Result]) -> Result:
    """The result of a coroutine that finishes without suspending; WouldWaitError if it would wait."""
    call = cast(Coroutine[Any, Any, Result], awaitable)
    try:
        call.send(None)
    except StopIteration as finished:
        result: Result = finished.value
        return result
    call.close()
    raise WouldWaitError(f"{call!r} waited for an event loop turn; the mock monitor serializes plain values")


@contextmanager
def mock_monitor_inline() -> Iterator[None]:
    """While the program runs, the mock monitor serializes without running the loop."""
    original = mocks._sync_await  # type: ignore[attr-defined]
    mocks._sync_await = completed_now  # type: ignore[attr-defined]
    try:
        yield
    finally:
        mocks._sync_await = original  # type: ignore[attr-defined]
