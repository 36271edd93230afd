"""The mock monitor answered on the event loop's own thread, as the plain function calls they are.

The SDK sends every call to the resource monitor through the loop's default executor, a pool of threads, because a
real monitor is a gRPC server that may take a while. The mock monitor answers at once, in this process, so the pool
only added thread hand-offs: at 100 tenants, about a sixth of the program's samples were the pool's locks and wake-ups,
each a contended hand-over of the interpreter lock (py-spy, benchmarks/tenant_scale.py).

On the loop's thread, the mock monitor's ``_sync_await`` (pulumi/runtime/mocks.py) would run the loop again from
inside one of its callbacks, nested once per registration; so there it runs the serialization coroutine to its end
without the loop, which values the monitor just deserialized allow. One that would wait (an input holding another
resource, whose URN the loop has yet to resolve) is handed to a worker thread instead, where the monitor answers as
it does without this module: the call is repeated from the start, which the mock monitor allows (it records the
registration only after serializing).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from pulumi.runtime import mocks

Result = TypeVar("Result")


class WouldWaitError(RuntimeError):
    """A mock monitor call needed an event loop turn to finish: it goes to a worker thread."""


class InlineExecutor(ThreadPoolExecutor):
    """Runs each submitted call before ``submit`` returns (asyncio accepts only a ThreadPoolExecutor as default);
    a call that would wait for the loop runs in the pool's worker thread."""

    def submit(self, fn: Callable[..., Result], /, *args: Any, **kwargs: Any) -> Future[Result]:
        done: Future[Result] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except WouldWaitError:
            return super().submit(fn, *args, **kwargs)
        except BaseException as error:
            done.set_exception(error)
        return done


def completed_now(awaitable: Awaitable[Result]) -> Result:
    """The result of a coroutine that finishes without suspending; WouldWaitError if it would wait."""
    call = cast(Coroutine[Any, Any, Result], awaitable)
    try:
        call.send(None)
    except StopIteration as finished:
        result: Result = finished.value
        return result
    call.close()
    raise WouldWaitError(f"{call!r} waited for an event loop turn")


@contextmanager
def mock_monitor_inline() -> Iterator[None]:
    """While the program runs, the mock monitor serializes without the loop on this thread, as before elsewhere."""
    original = mocks._sync_await  # type: ignore[attr-defined]
    loop_thread = threading.current_thread()

    def serialized(awaitable: Awaitable[Result]) -> Result:
        if threading.current_thread() is loop_thread:
            return completed_now(awaitable)
        result: Result = original(awaitable)
        return result

    mocks._sync_await = serialized  # type: ignore[attr-defined]
    try:
        yield
    finally:
        mocks._sync_await = original  # type: ignore[attr-defined]
