"""A long GPU job on a pool scaled to zero, as the API server shows it, on a shortened clock.

For ``pending_seconds`` the pod is unschedulable while the cluster autoscaler adds a GPU node, with the
events a real scale-up emits (FailedScheduling from the scheduler, TriggeredScaleUp from the
cluster-autoscaler, then Scheduled); then it runs ``run_seconds``, printing one line a second.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

GPU_RESOURCE = "nvidia.com/gpu"
NODE_NAME = "gke-kpo-e2e-gpu-pool-5f3a9c1e-x7q2"


def requests_gpu(manifest: dict[str, Any]) -> bool:
    containers: list[dict[str, Any]] = manifest.get("spec", {}).get("containers", [])
    return any(GPU_RESOURCE in (c.get("resources") or {}).get("limits", {}) for c in containers)


def rfc3339(epoch: float, fraction: bool = False) -> str:
    moment = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if fraction else "%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ColdGpuWorkload:
    pending_seconds: float
    run_seconds: int
    unschedulable_message: str = (
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    )

    @property
    def failure(self) -> tuple[str, str] | None:
        """(reason, message) of the pod's Failed status, when the workload ends that way."""
        return None

    def expected_lines(self) -> list[str]:
        return [self.line(second) for second in range(1, self.run_seconds + 1)]

    @staticmethod
    def line(second: int) -> str:
        return f"gpu step {second} done"

    def is_scheduled(self, elapsed: float) -> bool:
        return elapsed >= self.pending_seconds

    def phase_at(self, elapsed: float) -> str:
        if not self.is_scheduled(elapsed):
            return "Pending"
        return "Running" if elapsed < self.pending_seconds + self.run_seconds else "Succeeded"

    def log_lines(self, created_at: float, now: float, not_before: float) -> Iterator[tuple[float, str]]:
        """``(emitted_at, text)`` of every line printed between ``not_before`` and ``now``."""
        for second in range(1, self.run_seconds + 1):
            emitted_at = created_at + self.pending_seconds + second - 1
            if emitted_at > now:
                return
            if emitted_at >= not_before:
                yield emitted_at, self.line(second)

    def events(self, pod: dict[str, Any], created_at: float, now: float, project: str) -> list[dict[str, Any]]:
        metadata = pod["metadata"]
        group = (
            f"https://www.googleapis.com/compute/v1/projects/{project}/zones/us-central1-a/instanceGroups/gke-gpu-grp"
        )
        scale_up = f"pod triggered scale-up: [{{{group} 0->1 (max: 1)}}]"
        timeline = [
            (0.0, "Warning", "FailedScheduling", "default-scheduler", self.unschedulable_message),
            (0.5, "Normal", "TriggeredScaleUp", "cluster-autoscaler", scale_up),
            (
                self.pending_seconds,
                "Normal",
                "Scheduled",
                "default-scheduler",
                f"Successfully assigned {metadata['namespace']}/{metadata['name']} to {NODE_NAME}",
            ),
        ]
        return [
            _event(metadata, index, created_at + offset, kind, reason, source, message)
            for index, (offset, kind, reason, source, message) in enumerate(timeline)
            if created_at + offset <= now
        ]


def _event(
    pod: dict[str, Any], index: int, at: float, kind: str, reason: str, source: str, message: str
) -> dict[str, Any]:
    return {
        "metadata": {
            "name": f"{pod['name']}.{index}",
            "namespace": pod["namespace"],
            "uid": f"{pod['uid']}-event-{index}",
            "resourceVersion": str(index + 1),
        },
        "involvedObject": {"kind": "Pod", "name": pod["name"], "namespace": pod["namespace"], "uid": pod["uid"]},
        "type": kind,
        "reason": reason,
        "source": {"component": source},
        "message": message,
        "firstTimestamp": rfc3339(at),
        "lastTimestamp": rfc3339(at),
        "count": 1,
    }
