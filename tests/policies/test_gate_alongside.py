"""`make plan`'s gate in a process of its own (GateAlongside): what run_gate finds, and failures that end as errors,
never as hangs."""

from __future__ import annotations

import dataclasses
import os
import select
import signal
import time
from collections.abc import Iterator

import pytest

from gke_kpo.gate import PolicyConfigError, run_gate
from gke_kpo.gate import alongside as alongside_module
from gke_kpo.gate.alongside import GateAlongside
from gke_kpo.gate.frames import FrameReader, FrameSender, GateProcessError
from gke_kpo.gate.policy_config import config_file
from gke_kpo.gate.verdicts import GateResult
from gke_kpo.preview.capture import Plan
from policies.kpo_policies import resource_types as t
from tests.conftest import PlanFor
from tests.stacks import free_stack_name

QUICK_SECONDS = 1.0
"""Timeouts for the tests that make the gate process hang."""


def _judged_alongside(plan: Plan, stack: str) -> GateResult:
    with GateAlongside(stack) as gate:
        for resource in plan.resources:
            gate.see(resource)
        gate.judge(plan)
        return gate.result()


def _wait_until_ready(gate: GateAlongside) -> None:
    """Until the gate process has started and configured its pack (its ready signal waits in the pipe)."""
    assert gate._process.stdout is not None
    readable, _, _ = select.select([gate._process.stdout], [], [], 60)
    assert readable, "the gate process never got ready"


def _group_is_gone(pid: int) -> bool:
    """Within a few seconds: a killed process stays in its group until it is reaped."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(("stack", "judged_as"), [("dev", "dev"), ("prod", "prod"), ("dev", None)])
def test_the_gate_process_finds_what_run_gate_finds(plan_for: PlanFor, stack: str, judged_as: str | None) -> None:
    """``None``: a stack without policy config, so the pack's mandatory defaults, which dev's plan violates. Each
    run_gate starts its own pack too: the pack names the stack of its environment in some messages."""
    name = judged_as or free_stack_name()
    plan = plan_for(stack)
    alongside = _judged_alongside(plan, name)
    assert alongside == run_gate(plan, name)
    assert alongside.passed == (judged_as is not None)


def test_the_gate_process_judges_the_whole_stack_too(plan_for: PlanFor) -> None:
    plan = plan_for("prod")
    without_cluster = dataclasses.replace(plan, resources=[r for r in plan.resources if r.type != t.CLUSTER])
    alongside = _judged_alongside(without_cluster, "prod")
    assert alongside == run_gate(without_cluster, "prod")
    assert any(verdict.policy == "stack-complete" and "is missing" in verdict.message for verdict in alongside.verdicts)


@pytest.fixture
def broken_policy_config() -> Iterator[str]:
    stack = f"{free_stack_name()}-{os.getpid()}"
    path = config_file(stack)
    path.write_text('{"gke-hardening": "strict"}')
    try:
        yield stack
    finally:
        path.unlink()


def test_a_bad_policy_config_is_raised_when_the_plan_is_judged(plan_for: PlanFor, broken_policy_config: str) -> None:
    plan = plan_for("dev")
    named = rf"^policies/config/{broken_policy_config}\.json: gke-hardening: 'strict' is not an enforcement level"
    with GateAlongside(broken_policy_config) as gate, pytest.raises(PolicyConfigError, match=named):
        for resource in plan.resources:
            gate.see(resource)
        gate.judge(plan)


def test_a_gate_process_that_dies_is_an_error_and_leaves_nothing_running(
    plan_for: PlanFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alongside_module, "RESULT_TIMEOUT_SECONDS", 30.0)
    plan = plan_for("dev")
    started = time.monotonic()
    with GateAlongside("dev") as gate:
        pid = gate._process.pid
        half = len(plan.resources) // 2
        for resource in plan.resources[:half]:
            gate.see(resource)
        _wait_until_ready(gate)  # its pack is listening: it would outlive a killed gate process
        os.kill(pid, signal.SIGKILL)
        for resource in plan.resources[half:] * 200:  # some 3 MB: more than the pipe holds, as for 300 tenants
            gate.see(resource)  # never raises into the program
        gate.judge(plan)  # the ready signal came before it died, and nothing else holds its input open
        with pytest.raises(GateProcessError, match="exited before its verdicts"):
            gate.result()
    assert _group_is_gone(pid), "the pack it had started is ended too"
    assert time.monotonic() - started < 20


def test_a_gate_process_that_hangs_times_out(plan_for: PlanFor, monkeypatch: pytest.MonkeyPatch) -> None:
    for timeout in ("READY_TIMEOUT_SECONDS", "RESULT_TIMEOUT_SECONDS", "EXIT_TIMEOUT_SECONDS"):
        monkeypatch.setattr(alongside_module, timeout, QUICK_SECONDS)
    plan = plan_for("dev")
    started = time.monotonic()
    with GateAlongside("dev") as gate:
        pid = gate._process.pid
        os.kill(pid, signal.SIGSTOP)
        for resource in plan.resources:
            gate.see(resource)
        with pytest.raises(GateProcessError, match="gave no ready signal in time"):
            gate.judge(plan)
    assert time.monotonic() - started < 10 * QUICK_SECONDS
    assert _group_is_gone(pid)


def test_frames_are_handed_over_without_ever_blocking_the_sender() -> None:
    read_end, write_end = os.pipe()
    with open(write_end, "wb", buffering=0) as pipe, open(read_end, "rb", buffering=0) as source:
        sender = FrameSender(pipe)
        started = time.monotonic()
        for index in range(200):  # some 10 MB: far beyond what the pipe holds, with nobody reading yet
            sender.send({"index": index, "padding": "x" * 50_000})
        assert time.monotonic() - started < 5.0
        reader = FrameReader(source)
        assert reader.next(time.monotonic() + 5.0, "first frame") == {"index": 0, "padding": "x" * 50_000}
        with pytest.raises(GateProcessError, match="gave no room to read the plan in time"):
            sender.finish("end", time.monotonic() + QUICK_SECONDS)


def test_a_writer_that_exits_early_is_an_error_for_the_reader() -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, b"\x00\x00\x00\x09half")
    os.close(write_end)
    with open(read_end, "rb", buffering=0) as source, pytest.raises(GateProcessError, match="exited before"):
        FrameReader(source).next(time.monotonic() + 5.0, "verdicts")
