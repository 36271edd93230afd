"""``python -m gke_kpo.gate.child <stack>``: the gate of ``make plan`` in a process of its own (``GateAlongside``).

It starts the pack and configures it with the stack's policy config, then sends one ``Analyze`` per resource as the
program's resources arrive on stdin, and ``AnalyzeStack`` once the plan is complete. Frames it writes to the parent:
``READY`` (or the exception that stopped it), then the ``GateResult`` (or the exception). Running the gRPC client here
rather than in ``make plan``'s process lets the pack's work overlap the program on another core: in one process, each
answer waited for the interpreter lock the busy program holds (docs/tenant-scale.md).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import traceback
from collections.abc import Iterator
from contextlib import suppress
from types import FrameType
from typing import IO, Final

from gke_kpo.gate.frames import READY, GateProcessError, PlanComplete, frame, read_frame
from gke_kpo.gate.launch import PackStartError
from gke_kpo.gate.policy_config import PolicyConfigError
from gke_kpo.gate.run import configure, engine_context, gate_result
from gke_kpo.gate.session import AnalyzerSession
from gke_kpo.preview.capture import PlannedResource

PASSED_ON: Final = (PolicyConfigError, PackStartError)
"""Raised in ``make plan`` as they are; any other failure becomes a GateProcessError carrying this side's traceback."""


class ParentGoneError(Exception):
    """``make plan`` closed the pipe before the plan was complete (the program failed, or it was interrupted)."""


def _received(source: IO[bytes], resources: list[PlannedResource]) -> Iterator[PlannedResource]:
    """The program's resources as they arrive, also kept in ``resources`` for AnalyzeStack."""
    while True:
        try:
            item = read_frame(source)
        except EOFError:
            raise ParentGoneError from None
        if isinstance(item, PlanComplete):
            if item.resources != len(resources):
                raise GateProcessError(f"received {len(resources)} of the plan's {item.resources} resources")
            return
        resources.append(item)
        yield item


def _judge(stack: str, source: IO[bytes], answers: int) -> None:
    with AnalyzerSession(engine_context(stack)) as session:
        settings = configure(session, stack)
        _send(answers, READY)
        resources: list[PlannedResource] = []
        verdicts = session.analyze_each(_received(source, resources))
        _send(answers, gate_result(session, stack, settings, verdicts + session.analyze_stack(resources)))


def _send(answers: int, item: object) -> None:
    data = memoryview(frame(item))
    while data:
        data = data[os.write(answers, data) :]


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM from the parent: unwind, so the pack is closed on the way out."""
    raise SystemExit(128 + signum)


def main() -> None:
    gc.disable()  # one-shot, like make plan's own process
    signal.signal(signal.SIGTERM, _stop)
    answers = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the frames
    try:
        _judge(sys.argv[1], sys.stdin.buffer, answers)
        return
    except (ParentGoneError, BrokenPipeError):
        return  # make plan stopped listening: it reports its own error
    except PASSED_ON as error:
        failure: Exception = error
    except Exception:  # whatever it is, make plan reports it
        failure = GateProcessError(f"the policy gate failed:\n{traceback.format_exc()}")
    with suppress(BrokenPipeError):
        _send(answers, failure)


if __name__ == "__main__":
    main()
    # The answer is written and the pack closed; the interpreter's own shutdown (gRPC's threads) took another 0.13 s,
    # which make plan waited for.
    sys.stderr.flush()
    os._exit(0)
