"""One conversation with a running pack: the engine's call sequence, reusable across stacks."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from gke_kpo.gate.launch import ENGINE_ADDRESS, PACK_DIR, EngineContext, RunningPack
from gke_kpo.gate.policy_config import PolicySetting, configure_request
from gke_kpo.gate.verdicts import Verdict, verdicts_from
from gke_kpo.gate.wire import analyze_requests, analyze_stack_request
from gke_kpo.preview.capture import PlannedResource

ANALYZE_WINDOW = 8
"""Analyze requests sent ahead of the answers. One at a time, each resource also cost a gRPC round trip: with 100
tenants the ~1,000 calls took 0.9-1.0 s, and 0.6 s when eight are sent ahead (benchmarks/tenant_scale.py). The pack
still judges each request separately, and the verdicts are collected in resource order."""


def _answer(urn: str, answer: grpc.Future) -> list[Verdict]:
    return verdicts_from(answer.result(), analyzed_urn=urn)


class AnalyzerSession:
    """Starts the pack, handshakes and reads its info; then ``analyze`` any number of plans."""

    def __init__(self, context: EngineContext, pack_dir: Path = PACK_DIR) -> None:
        self.pack = RunningPack(context, pack_dir)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.pack.channel)
        self._handshake(pack_dir)
        self.configure_stack(context)
        self.info: analyzer_pb2.AnalyzerInfo = self.stub.GetAnalyzerInfo(empty_pb2.Empty())

    def _handshake(self, pack_dir: Path) -> None:
        """The engine tries Handshake first and carries on when a pack (like Python's) lacks it."""
        try:
            self.stub.Handshake(
                analyzer_pb2.AnalyzerHandshakeRequest(
                    engine_address=ENGINE_ADDRESS, root_directory=str(pack_dir), program_directory=str(pack_dir)
                )
            )
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise

    def configure_stack(self, context: EngineContext) -> None:
        self.stub.ConfigureStack(
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=context.stack, project=context.project, dry_run=context.dry_run, config=dict(context.config)
            )
        )

    def configure(self, settings: Mapping[str, PolicySetting]) -> None:
        self.stub.Configure(configure_request(dict(settings)))

    def analyze(self, resources: Sequence[PlannedResource]) -> list[Verdict]:
        """Analyze each resource (as each step is generated), then the whole stack (as at the end)."""
        return self.analyze_each(resources) + self.analyze_stack(resources)

    def analyze_each(self, resources: Iterable[PlannedResource]) -> list[Verdict]:
        """One Analyze per resource, verdicts in resource order; ``resources`` may still be arriving."""
        verdicts: list[Verdict] = []
        in_flight: deque[tuple[str, grpc.Future]] = deque()
        for request in analyze_requests(resources):
            in_flight.append((request.urn, self.stub.Analyze.future(request)))
            if len(in_flight) >= ANALYZE_WINDOW:
                verdicts += _answer(*in_flight.popleft())
        for urn, answer in in_flight:
            verdicts += _answer(urn, answer)
        return verdicts

    def analyze_stack(self, resources: Sequence[PlannedResource]) -> list[Verdict]:
        return verdicts_from(self.stub.AnalyzeStack(analyze_stack_request(resources)))

    def close(self) -> None:
        self.pack.close()

    def __enter__(self) -> AnalyzerSession:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
