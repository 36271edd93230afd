"""Pickled objects over a pipe between ``make plan`` and its gate process, each behind a 4-byte length.

Both ends are this repository's own code in the same virtualenv, so pickle carries the planned resources (with
their ``Unknown`` inputs) and the gate's result as they are. Every wait has a deadline, so a gate process that hangs
or dies ends ``make plan`` with an error instead of a hang.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import select
import struct
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import IO, Any, Final

_HEADER: Final = struct.Struct(">I")
PIPE_BYTES: Final = 1 << 20
"""The pipe's size where the system allows it (Linux: /proc/sys/fs/pipe-max-size, 1 MiB by default): the whole plan
of 100 tenants (about 1 MB of frames) fits, so ending the plan never waits for a gate process that lags behind."""


READY: Final = "ready"
"""The gate process's first frame: the pack is started and configured."""


@dataclass(frozen=True)
class PlanComplete:
    """Follows the last resource: their number, so a stream that lost one is an error, never a verdict."""

    resources: int


class GateProcessError(RuntimeError):
    """The gate process died, hung, or failed in a way that has no exception class of its own on this side."""


def frame(item: Any) -> bytes:
    payload = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(payload)) + payload


def read_frame(stream: IO[bytes]) -> Any:
    """The next object from a blocking stream; EOFError when the writer closed it between or inside frames."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError
    return pickle.loads(payload)


def remaining(deadline: float, waiting_for: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise GateProcessError(f"the policy gate process gave no {waiting_for} in time")
    return left


class FrameSender:
    """Writes frames without ever blocking the caller (the program registering resources): what the pipe cannot
    take now waits in memory and goes out with the next frame, or in ``finish``. A reader that went away is noted,
    not raised: the error surfaces when the caller asks the gate for its answer."""

    def __init__(self, pipe: IO[bytes]) -> None:
        self._pipe = pipe
        self._fd = pipe.fileno()
        os.set_blocking(self._fd, False)
        with suppress(AttributeError, OSError):  # Linux only; elsewhere ``finish`` may wait for the reader longer
            fcntl.fcntl(self._fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self._pending = bytearray()
        self._lock = threading.Lock()
        self.reader_gone = False

    def send(self, item: Any) -> None:
        data = frame(item)
        with self._lock:
            if self.reader_gone:
                return
            self._pending += data
            self._write_some()

    def finish(self, item: Any, deadline: float) -> None:
        """Sends ``item`` and everything still pending, waiting for the reader up to ``deadline``; then closes."""
        self.send(item)
        with self._lock:
            while self._pending and not self.reader_gone:
                select.select([], [self._fd], [], remaining(deadline, "room to read the plan"))
                self._write_some()
            self._close()

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        self._pending.clear()
        try:
            self._pipe.close()
        except BrokenPipeError:  # unwritten bytes of a reader that went away
            self.reader_gone = True

    def _write_some(self) -> None:
        try:
            written = os.write(self._fd, self._pending)
        except BlockingIOError:
            return
        except (BrokenPipeError, ValueError):  # the reader exited, or the pipe was closed
            self.reader_gone = True
            self._pending.clear()
            return
        del self._pending[:written]


class FrameReader:
    """Reads frames from a pipe with a deadline for each."""

    def __init__(self, pipe: IO[bytes]) -> None:
        self._fd = pipe.fileno()
        self._buffer = bytearray()

    def next(self, deadline: float, waiting_for: str) -> Any:
        """The next object; GateProcessError when the writer exits first or the deadline passes."""
        while True:
            if len(self._buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(self._buffer)
                end = _HEADER.size + size
                if len(self._buffer) >= end:
                    payload = bytes(self._buffer[_HEADER.size : end])
                    del self._buffer[:end]
                    return pickle.loads(payload)
            readable, _, _ = select.select([self._fd], [], [], remaining(deadline, waiting_for))
            if readable:
                chunk = os.read(self._fd, 1 << 16)
                if not chunk:
                    raise GateProcessError(f"the policy gate process exited before its {waiting_for}")
                self._buffer += chunk
