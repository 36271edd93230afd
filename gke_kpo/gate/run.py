"""``run_gate(plan, stack)``: the credential-free policy gate behind ``make plan``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from gke_kpo.gate.launch import EngineContext
from gke_kpo.gate.policy_config import PolicySetting, config_source, load_stack_settings
from gke_kpo.gate.session import AnalyzerSession
from gke_kpo.gate.verdicts import GateResult, Verdict
from gke_kpo.plan.capture import PROJECT_NAME, Plan, PlannedResource, stack_config


def engine_context(stack: str) -> EngineContext:
    """Project, stack and config as the engine exports them to the pack (empty config without a stack file)."""
    try:
        config = stack_config(stack)
    except FileNotFoundError:
        config = {}
    return EngineContext(project=PROJECT_NAME, stack=stack, config=config)


def run_gate(plan: Plan, stack: str, session: AnalyzerSession | None = None) -> GateResult:
    """Run the pack over the plan with the stack's policy config; reuse ``session`` when given."""
    if session is not None:
        return _judge(session, plan, stack)
    with AnalyzerSession(engine_context(stack)) as own_session:
        return _judge(own_session, plan, stack)


class PlanIncompleteError(Exception):
    """The program stopped before recording its whole plan: there is nothing more to judge."""


class RecordedSoFar:
    """A plan's resources in registration order, read from another thread while the program still records them."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._changed = threading.Condition()
        self._complete = False
        self._stopped = False
        plan.on_record = self._recorded

    def _recorded(self) -> None:
        with self._changed:
            self._changed.notify()

    def complete(self) -> None:
        """The program has recorded everything."""
        with self._changed:
            self._complete = True
            self._changed.notify()

    def stop(self) -> None:
        """The program failed, or nobody waits for the verdicts any more."""
        with self._changed:
            self._stopped = True
            self._changed.notify()

    def __iter__(self) -> Iterator[PlannedResource]:
        resources, seen = self.plan.resources, 0
        while True:
            with self._changed:
                while seen == len(resources) and not (self._complete or self._stopped):
                    self._changed.wait()
                if self._stopped:
                    raise PlanIncompleteError
                arrived = resources[seen:]
            if not arrived:
                return
            yield from arrived
            seen += len(arrived)


class GateAlongside:
    """The gate of ``make plan``, run alongside the program: the pack starts while the program does and judges each
    resource as the program records it, as the engine analyzes each step as it is generated, so the pack (its own
    process) works on the other core meanwhile; then the whole stack, while the caller writes its files."""

    def __init__(self, stack: str, plan: Plan) -> None:
        self._stack = stack
        self.recorded = RecordedSoFar(plan)
        self._session: AnalyzerSession | None = None
        self._worker = ThreadPoolExecutor(max_workers=1)
        self._resources_judged = self._worker.submit(self._judge_resources)

    def _judge_resources(self) -> tuple[dict[str, PolicySetting], list[Verdict]]:
        self._session = AnalyzerSession(engine_context(self._stack))
        settings = _configure(self._session, self._stack)
        return settings, self._session.analyze_each(self.recorded)

    def judge_stack(self) -> Future[GateResult]:
        """After ``recorded.complete()``: raises what judging the resources raised (PolicyConfigError for a bad
        policy config file), else judges the whole stack in the background."""
        settings, verdicts = self._resources_judged.result()
        return self._worker.submit(self._judge_stack, settings, verdicts)

    def _judge_stack(self, settings: dict[str, PolicySetting], verdicts: list[Verdict]) -> GateResult:
        assert self._session is not None, "the resources were judged in this session"
        stack_verdicts = self._session.analyze_stack(self.recorded.plan.resources)
        return _result(self._session, self._stack, settings, verdicts + stack_verdicts)

    def __enter__(self) -> GateAlongside:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.recorded.stop()
        self._worker.shutdown()
        if self._session is not None:
            self._session.close()


def _configure(session: AnalyzerSession, stack: str) -> dict[str, PolicySetting]:
    session.configure_stack(engine_context(stack))
    settings = load_stack_settings(stack, session.info)
    session.configure(settings)
    return settings


def _judge(session: AnalyzerSession, plan: Plan, stack: str) -> GateResult:
    settings = _configure(session, stack)
    return _result(session, stack, settings, session.analyze(plan.resources))


def _result(
    session: AnalyzerSession, stack: str, settings: dict[str, PolicySetting], verdicts: list[Verdict]
) -> GateResult:
    return GateResult(
        stack=stack,
        pack=session.info.name,
        config=config_source(stack),
        levels={name: setting.level for name, setting in settings.items()},
        verdicts=verdicts,
    )
