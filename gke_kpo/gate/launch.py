"""Start the policy pack the way ``pulumi preview --policy-pack policies`` does, and connect to it.

The engine (``NewPolicyAnalyzer`` in pulumi's sdk/go/common/resource/plugin/analyzer_plugin.go)
runs ``pulumi-analyzer-policy-python <engine-address> . -virtualenv=<venv>`` with cwd set to the
pack directory and PULUMI_CONFIG / PULUMI_PROJECT / PULUMI_STACK / PULUMI_DRY_RUN in the
environment. That shim puts the venv first on PATH, unsets PYTHONHOME and execs
``<venv>/bin/python -u -m pulumi.policy <engine-address> .``; the pack prints its gRPC port on the
first stdout line. We do the same, minus the shim.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Final

import grpc  # type: ignore[import-untyped]
import yaml

from gke_kpo.repo import REPO_ROOT

PACK_DIR: Final = REPO_ROOT / "policies"
ENGINE_ADDRESS: Final = "127.0.0.1:0"
"""``pulumi.policy`` requires the argument but never dials it (it only configures project/stack)."""
START_TIMEOUT_SECONDS: Final = 60.0


class PackStartError(RuntimeError):
    """The pack exited or stayed silent instead of printing its port."""


@dataclass(frozen=True)
class EngineContext:
    """What the engine passes to an analyzer plugin through its environment."""

    project: str
    stack: str
    config: Mapping[str, str]
    dry_run: bool = True

    def environment(self, python: Path) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONHOME"}
        env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
        if self.config:
            env["PULUMI_CONFIG"] = json.dumps(dict(self.config))
        env["PULUMI_PROJECT"] = self.project
        env["PULUMI_STACK"] = self.stack
        env["PULUMI_DRY_RUN"] = "true" if self.dry_run else "false"
        return env


def pack_python(pack_dir: Path = PACK_DIR) -> Path:
    """The venv named by PulumiPolicy.yaml's ``virtualenv`` option, as the shim resolves it.

    Without that venv (``pulumi install`` in policies/ creates it) the current interpreter is used:
    it has the same pinned packages, since requirements-dev.txt includes policies/requirements.txt.
    """
    project = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text())
    virtualenv = str(project.get("runtime", {}).get("options", {}).get("virtualenv", ""))
    candidate = (pack_dir / virtualenv / "bin" / "python") if virtualenv else None
    return candidate if candidate is not None and candidate.is_file() else Path(sys.executable)


def _drain(stream: IO[bytes], sink: list[bytes]) -> None:
    """Keep reading so the pack never blocks on a full pipe (the engine forwards these to its logs)."""
    for line in iter(stream.readline, b""):
        sink.append(line)


class RunningPack:
    """A started pack process and an open channel to it; use as a context manager."""

    def __init__(self, context: EngineContext, pack_dir: Path = PACK_DIR) -> None:
        self.pack_dir = pack_dir
        self.python = pack_python(pack_dir)
        self.command = [str(self.python), "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, "."]
        self._process = subprocess.Popen(
            self.command,
            cwd=pack_dir,
            env=context.environment(self.python),
            # The pack never reads stdin; inheriting it would keep make plan's pipe to the gate process open after
            # that process died, and make plan would wait for room in it (tests/policies/test_gate_alongside.py).
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stderr: list[bytes] = []
        assert self._process.stdout is not None and self._process.stderr is not None
        self._stderr_reader = threading.Thread(target=_drain, args=(self._process.stderr, self.stderr), daemon=True)
        self._stderr_reader.start()
        self.port = self._read_port(self._process.stdout)
        threading.Thread(target=_drain, args=(self._process.stdout, []), daemon=True).start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        grpc.channel_ready_future(self.channel).result(timeout=START_TIMEOUT_SECONDS)

    def _read_port(self, stdout: IO[bytes]) -> int:
        result: list[bytes] = []
        reader = threading.Thread(target=lambda: result.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
        first_line = result[0].strip() if result else b""
        if not first_line.isdigit():
            self.close()
            self._stderr_reader.join(5)
            raise PackStartError(
                f"policy pack in {self.pack_dir} did not print its port (got {first_line!r}); "
                f"stderr:\n{b''.join(self.stderr).decode(errors='replace')}"
            )
        return int(first_line)

    def close(self) -> None:
        if hasattr(self, "channel"):
            self.channel.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> RunningPack:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
