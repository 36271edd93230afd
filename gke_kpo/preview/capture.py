"""Run ``__main__.py`` under Pulumi's mock runtime with a stack's real config file and record the plan."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import logging
import runpy
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks
from pulumi.runtime import resource as resource_runtime
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.settings import get_root_resource
from pulumi.runtime.stack import wait_for_rpcs

from gke_kpo import yaml_text
from gke_kpo.config.parse import stack_config
from gke_kpo.config.values import as_cli_string
from gke_kpo.preview.inline_calls import InlineExecutor, mock_monitor_inline
from gke_kpo.preview.mock_cloud import MockCloud
from gke_kpo.repo import PROJECT_FILE, REPO_ROOT

PROJECT_NAME = str(yaml_text.safe_load(PROJECT_FILE.read_text())["name"])


@dataclass(frozen=True)
class PlannedResource:
    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    parent: str | None
    provider: str
    dependencies: list[str]
    protect: bool
    custom: bool
    aliases: tuple[str, ...] = ()
    """Old URNs this resource answers to (the ``aliases`` option, as the program writes them: full URNs)."""


@dataclass
class Plan:
    stack: str
    resources: list[PlannedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    """What the program logged through pulumi.log, e.g. ``warning: tenant GPU quotas add up to ...``."""
    invokes: set[str] = field(default_factory=set)
    """Tokens of the data sources the program reads (each a provider call, needing its own permission)."""

    def of_type(self, type_: str) -> list[PlannedResource]:
        return [resource for resource in self.resources if resource.type == type_]


Observer = Callable[[PlannedResource], None]
"""Sees each resource as it is registered, in the plan's order (``make plan``'s gate judges it right away)."""


class _InputsKept(MockCloud):
    """Keeps the inputs the mock monitor deserialized for ``new_resource`` (its documented hook), for the recording
    monitor: deserializing every resource's inputs a second time cost some 3% of the program."""

    last_inputs: dict[str, Any]

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.last_inputs = args.inputs
        return super().new_resource(args)


class _RecordingMonitor(mocks.MockMonitor):
    def __init__(self, plan: Plan, observe: Observer | None) -> None:
        self._cloud = _InputsKept()
        super().__init__(self._cloud)
        self.plan = plan
        self._observe = observe

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            resource = PlannedResource(
                type=request.type,
                name=request.name,
                urn=response.urn,
                inputs=self._cloud.last_inputs,
                parent=request.parent or None,
                provider=request.provider,
                dependencies=list(request.dependencies),
                protect=bool(request.protect),
                custom=bool(request.custom),
                aliases=_alias_urns(request),
            )
            self.plan.resources.append(resource)
            if self._observe is not None:
                self._observe(resource)
        return response

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - the gRPC method name
        self.plan.invokes.add(request.tok)
        return super().Invoke(request)  # type: ignore[no-untyped-call]


class _PlanLog(logging.Handler):
    """Keeps the program's pulumi.log lines in the plan (under the CLI they are diagnostics of the update); `make
    plan` prints the settings' warnings itself, so nothing goes to stderr twice."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    def emit(self, record: logging.LogRecord) -> None:
        self.plan.log.append(f"{record.levelname.lower()}: {record.getMessage()}")


def _program_log(plan: Plan) -> logging.Logger:
    logger = logging.Logger("gke_kpo.preview.program", logging.INFO)
    logger.addHandler(_PlanLog(plan))
    return logger


def _alias_urns(request: Any) -> tuple[str, ...]:
    """The mock monitor takes alias specs, so the SDK sends each alias as given. This project writes its aliases as
    full URNs (gke_kpo/spec/pre_tenant.py, stable_names.py). The provider SDKs add specs that change only the type
    (pulumi-gcp's legacy type tokens, e.g. ``gcp:serviceAccount/account:Account``), which no state of this project
    holds: skipped. Any other spec would need the engine's own resolution, which the day-2 check does not model."""
    urns = []
    for alias in request.aliases:
        if alias.urn:
            urns.append(alias.urn)
        elif alias.spec.name or alias.spec.parentUrn or alias.spec.noParent:
            raise ValueError(f"{request.name}: write its alias as a full URN, not an alias spec ({alias})")
    return tuple(urns)


class ProgramError(Exception):
    """The program raised; ``plan`` shows what it had declared by then (for an invalid config: nothing)."""

    def __init__(self, message: str, plan: Plan) -> None:
        super().__init__(message)
        self.plan = plan


def run_program(
    stack: str,
    config_overrides: dict[str, Any] | None = None,
    path: Path | None = None,
    observe: Observer | None = None,
) -> Plan:
    """Evaluate the program as ``pulumi preview`` would, in a context of its own so runs never share state."""
    config = {**stack_config(stack, path), **{k: as_cli_string(v) for k, v in (config_overrides or {}).items()}}
    with _cyclic_gc_paused(), _stack_traces_skipped(), mock_monitor_inline():
        return contextvars.Context().run(_run, stack, config, observe)


@contextmanager
def _stack_traces_skipped() -> Iterator[None]:
    """The SDK walks the Python stack and makes a source position of every frame for every resource it registers,
    for the engine's display only; the recording monitor never reads them (at 100 tenants, some 15% of the program's
    time). An empty trace is what the SDK sends for a resource declared outside user code."""
    original = resource_runtime._get_stack_trace
    resource_runtime._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        resource_runtime._get_stack_trace = original


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The SDKs' generated types are hundreds of thousands of long-lived objects, and the runtime allocates dozens
    of futures per resource: every full collection re-scanned the whole heap, which made the program's time grow
    faster than its resource count (benchmarks/tenant_scale.py, 100 tenants: about 40% of the run). Reference
    counting still frees what the run drops; the cycles it leaves are collected once, afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run(stack: str, config: dict[str, str], observe: Observer | None) -> Plan:
    plan = Plan(stack)
    loop = asyncio.new_event_loop()
    loop.set_default_executor(InlineExecutor())
    asyncio.set_event_loop(loop)
    try:
        pulumi.runtime.set_mocks(
            MockCloud(),
            project=PROJECT_NAME,
            stack=stack,
            preview=True,
            logger=_program_log(plan),
            monitor=_RecordingMonitor(plan, observe),
        )
        set_all_config(config)
        if str(REPO_ROOT) not in sys.path:
            sys.path.insert(0, str(REPO_ROOT))
        try:
            runpy.run_path(str(REPO_ROOT / "__main__.py"), run_name="__main__")
        except Exception as error:
            loop.run_until_complete(wait_for_rpcs())
            raise ProgramError(str(error), plan) from error
        plan.outputs = loop.run_until_complete(_outputs())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return plan


async def _outputs() -> dict[str, Any]:
    await wait_for_rpcs()
    root = get_root_resource()
    exported: dict[str, Any] = getattr(root, "outputs", {})
    return {name: await pulumi.Output.from_input(value).future() for name, value in exported.items()}
