"""``run_gate(plan, stack)``: the credential-free policy gate behind ``make plan``."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from gke_kpo.config.parse import stack_config
from gke_kpo.gate.launch import EngineContext
from gke_kpo.gate.policy_config import PolicySetting, config_source, load_stack_settings
from gke_kpo.gate.session import AnalyzerSession
from gke_kpo.gate.verdicts import GateResult, Verdict
from gke_kpo.preview.capture import PROJECT_NAME, Plan


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


class GateAlongside:
    """The gate of ``make plan``: the pack starts on the other core while the program runs, as the engine starts it
    up front; once the plan is there, it judges each resource, then the whole stack while the caller writes files."""

    def __init__(self, stack: str) -> None:
        self._stack = stack
        self._worker = ThreadPoolExecutor(max_workers=1)
        self._starting = self._worker.submit(AnalyzerSession, engine_context(stack))

    def judge(self, plan: Plan) -> Future[GateResult]:
        """Judges each resource (raises PolicyConfigError for a bad policy config file), then the whole stack in the
        background: one request the pack answers while this process renders, where hundreds of round trips would
        each wait for this process's interpreter lock."""
        session = self._starting.result()
        settings = _configure(session, self._stack)
        verdicts = session.analyze_each(plan.resources)
        return self._worker.submit(self._judge_stack, session, settings, verdicts, plan)

    def _judge_stack(
        self, session: AnalyzerSession, settings: dict[str, PolicySetting], verdicts: list[Verdict], plan: Plan
    ) -> GateResult:
        return _result(session, self._stack, settings, verdicts + session.analyze_stack(plan.resources))

    def __enter__(self) -> GateAlongside:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._worker.shutdown()
        if self._starting.exception() is None:
            self._starting.result().close()


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
