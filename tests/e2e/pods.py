"""The pods the fake API holds, walked Pending -> Running -> Succeeded like a kubelet would.

A pod either advances one phase per status read (the seed's quick task), or, when it requests a GPU
and the cluster has a ``ColdGpuWorkload``, follows the wall clock: Pending and unschedulable while
the pool scales up from zero, then Running and printing one line a second, then Succeeded.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .cold_gpu import ColdGpuWorkload, requests_gpu, rfc3339

_RESOURCE_VERSIONS = itertools.count(1000)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _log_timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def container_output(container: dict[str, Any]) -> str:
    """What the container prints; the fake only "runs" echo, which is what the seed's task does."""
    words = [*container.get("command", []), *container.get("args", [])]
    if words[:1] == ["echo"]:
        return " ".join(words[1:])
    return f"ran {words}"


@dataclass
class FakePod:
    manifest: dict[str, Any]
    workload: ColdGpuWorkload | None = None
    created_at: float = field(default_factory=time.time)
    reads: int = 0
    logs_served: bool = False
    phase: str = "Pending"
    phases_seen: list[str] = field(default_factory=lambda: ["Pending"])

    @property
    def main_container(self) -> dict[str, Any]:
        containers: list[dict[str, Any]] = self.manifest["spec"]["containers"]
        return containers[0]

    def advance(self) -> None:
        """One status read moves the pod on: the first read still sees it Pending (so the client
        walks its startup path, events included), then Running, then Succeeded once its logs were
        read (or after a few reads, for a client that never reads them)."""
        self.reads += 1
        if self.workload is not None:
            self.phase = self.workload.phase_at(self.elapsed)
        elif self.phase == "Pending" and self.reads > 1:
            self.phase = "Running"
        elif self.phase == "Running" and (self.logs_served or self.reads > 4):
            self.phase = "Succeeded"
        if self.phases_seen[-1] != self.phase:
            self.phases_seen.append(self.phase)

    @property
    def elapsed(self) -> float:
        return time.time() - self.created_at

    def _container_state(self) -> dict[str, Any]:
        if self.phase == "Pending":
            return {"waiting": {"reason": "ContainerCreating"}}
        if self.phase == "Running":
            return {"running": {"startedAt": _now()}}
        if self.phase == "Failed":  # SIGTERM from the kubelet's graceful shutdown
            return {"terminated": {"exitCode": 143, "reason": "Error", "startedAt": _now(), "finishedAt": _now()}}
        return {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": _now(), "finishedAt": _now()}}

    def view(self) -> dict[str, Any]:
        pod = copy.deepcopy(self.manifest)
        pod["status"] = {
            "phase": self.phase,
            "conditions": [self._scheduled_condition()],
            "containerStatuses": [
                {
                    "name": container["name"],
                    "image": container["image"],
                    "imageID": "",
                    "ready": self.phase == "Running",
                    "restartCount": 0,
                    "state": self._container_state(),
                }
                for container in pod["spec"]["containers"]
            ],
        }
        failure = self.workload.failure if self.workload is not None else None
        if self.phase == "Failed" and failure is not None:
            pod["status"]["reason"], pod["status"]["message"] = failure
        return pod

    def _scheduled_condition(self) -> dict[str, Any]:
        if self.workload is None or self.workload.is_scheduled(self.elapsed):
            return {"type": "PodScheduled", "status": "True"}
        return {
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": self.workload.unschedulable_message,
        }

    def follow_log(self, follow: bool, timestamps: bool, since_seconds: int | None) -> Iterator[str]:
        """The workload's lines as the kubelet streams them: with ``follow``, until the container exits."""
        assert self.workload is not None
        self.logs_served = True
        not_before = time.time() - since_seconds if since_seconds is not None else 0.0
        sent = 0
        while True:
            now = time.time()
            lines = list(self.workload.log_lines(self.created_at, now, not_before))
            for emitted_at, text in lines[sent:]:
                yield f"{rfc3339(emitted_at, fraction=True)} {text}\n" if timestamps else f"{text}\n"
            sent = len(lines)
            if not follow or self.workload.phase_at(now - self.created_at) != "Running":
                return
            time.sleep(0.2)

    def log(self, timestamps: bool) -> str:
        self.logs_served = True
        line = container_output(self.main_container)
        return f"{_log_timestamp()} {line}\n" if timestamps else f"{line}\n"


def _matches(labels: dict[str, str], selector: str) -> bool:
    for term in filter(None, (part.strip() for part in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key) == value:
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key) != value:
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


@dataclass
class PodStore:
    pods: dict[tuple[str, str], FakePod] = field(default_factory=dict)
    created: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[FakePod] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def create(
        self, namespace: str, manifest: dict[str, Any], gpu_workload: ColdGpuWorkload | None = None
    ) -> dict[str, Any]:
        metadata = manifest.setdefault("metadata", {})
        metadata.update(
            namespace=namespace,
            uid=str(uuid.uuid4()),
            resourceVersion=str(next(_RESOURCE_VERSIONS)),
            creationTimestamp=_now(),
        )
        with self.lock:
            self.created.append(copy.deepcopy(manifest))
            workload = gpu_workload if requests_gpu(manifest) else None
            pod = self.pods[(namespace, metadata["name"])] = FakePod(manifest, workload)
            return pod.view()

    def find(self, namespace: str, name: str) -> FakePod | None:
        return self.pods.get((namespace, name))

    def list(self, namespace: str, selector: str) -> list[dict[str, Any]]:
        with self.lock:
            return [
                pod.view()
                for (pod_namespace, _), pod in sorted(self.pods.items())
                if pod_namespace == namespace and _matches(pod.manifest["metadata"].get("labels", {}), selector)
            ]

    def patch_labels(self, pod: FakePod, patch: dict[str, Any]) -> dict[str, Any]:
        labels = patch.get("metadata", {}).get("labels", {})
        with self.lock:
            pod.manifest["metadata"].setdefault("labels", {}).update(labels)
            return pod.view()

    def delete(self, namespace: str, name: str) -> FakePod | None:
        with self.lock:
            pod = self.pods.pop((namespace, name), None)
            if pod is not None:
                self.deleted.append(pod)
            return pod
