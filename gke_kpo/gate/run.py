"""``run_gate(plan, stack)``: the credential-free policy gate behind ``make plan``."""

from __future__ import annotations

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


def configure(session: AnalyzerSession, stack: str) -> dict[str, PolicySetting]:
    session.configure_stack(engine_context(stack))
    settings = load_stack_settings(stack, session.info)
    session.configure(settings)
    return settings


def _judge(session: AnalyzerSession, plan: Plan, stack: str) -> GateResult:
    settings = configure(session, stack)
    return gate_result(session, stack, settings, session.analyze(plan.resources))


def gate_result(
    session: AnalyzerSession, stack: str, settings: dict[str, PolicySetting], verdicts: list[Verdict]
) -> GateResult:
    return GateResult(
        stack=stack,
        pack=session.info.name,
        config=config_source(stack),
        levels={name: setting.level for name, setting in settings.items()},
        verdicts=verdicts,
    )
