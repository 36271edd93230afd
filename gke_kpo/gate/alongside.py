"""``GateAlongside``: the gate of ``make plan``, judging the plan while the program still declares it.

The gate runs in a process of its own (``gke_kpo.gate.child``), started before the program: it starts the pack,
as the engine starts it up front, and sends each resource to the pack as soon as the program has registered it, so
the pack's work overlaps the program on another core. This process only hands each resource over (a pickle and a
write that never blocks). Every wait for the gate process is bounded: a gate process that dies or hangs ends
``make plan`` with a GateProcessError naming what it waited for, never a hang.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from types import TracebackType
from typing import Final

from gke_kpo.gate.frames import READY, FrameReader, FrameSender, GateProcessError, PlanComplete
from gke_kpo.gate.launch import START_TIMEOUT_SECONDS
from gke_kpo.gate.verdicts import GateResult
from gke_kpo.preview.capture import Plan, PlannedResource
from gke_kpo.repo import REPO_ROOT

READY_TIMEOUT_SECONDS: Final = START_TIMEOUT_SECONDS + 30.0
"""From the plan's end: the pack's own start timeout, plus the gate process's start and the pack's configuration."""
RESULT_TIMEOUT_SECONDS: Final = 120.0
"""From the plan's end to the verdicts: 100 tenants (919 resources) take about a second on 2 cores."""
EXIT_TIMEOUT_SECONDS: Final = 10.0
"""For the gate process to close the pack and exit, before it is terminated (then killed)."""


class GateAlongside:
    """Use as a context manager around the program: pass ``see`` to ``run_program``, then ``judge`` the plan and
    collect its ``result``."""

    def __init__(self, stack: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "gke_kpo.gate.child", stack],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Its own process group, with the pack it starts: whatever happens to the gate process, __exit__ can end
            # both (Ctrl-C reaches make plan, whose __exit__ then ends them).
            start_new_session=True,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._sender = FrameSender(self._process.stdin)
        self._reader = FrameReader(self._process.stdout)

    def see(self, resource: PlannedResource) -> None:
        """One registered resource, in registration order (the recording monitor calls this)."""
        self._sender.send(resource)

    def judge(self, plan: Plan) -> None:
        """Ends the plan; raises what stopped the gate from judging it (PolicyConfigError for a bad policy config
        file, PackStartError, GateProcessError). The verdicts follow in ``result`` while the caller writes files."""
        self._sender.finish(PlanComplete(len(plan.resources)), time.monotonic() + RESULT_TIMEOUT_SECONDS)
        ready = self._answer(READY_TIMEOUT_SECONDS, "ready signal")
        if ready != READY:
            raise GateProcessError(f"the policy gate process answered {ready!r} instead of its ready signal")

    def result(self) -> GateResult:
        verdicts = self._answer(RESULT_TIMEOUT_SECONDS, "verdicts")
        if not isinstance(verdicts, GateResult):
            raise GateProcessError(f"the policy gate process answered {verdicts!r} instead of its verdicts")
        return verdicts

    def _answer(self, timeout: float, waiting_for: str) -> object:
        answer = self._reader.next(time.monotonic() + timeout, waiting_for)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def __enter__(self) -> GateAlongside:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """The gate process exits by itself once it answered, or once its input closes early (program error); one
        that does not is terminated, then killed with anything it left running (the pack)."""
        assert self._process.stdout is not None
        self._sender.close()
        self._process.stdout.close()
        try:
            self._process.wait(timeout=EXIT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            try:
                self._process.wait(timeout=EXIT_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        with suppress(ProcessLookupError):  # nothing left: the usual case
            os.killpg(self._process.pid, signal.SIGKILL)
