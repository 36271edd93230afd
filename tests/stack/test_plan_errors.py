"""`make plan` never shows a user a traceback: bad values are named problems (exit 2), our bugs exit 3."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml

from gke_kpo.plan import __main__ as plan_command
from gke_kpo.repo import REPO_ROOT


def _dev_with(folder: Path, **changes: object) -> Path:
    document = yaml.safe_load((REPO_ROOT / "Pulumi.dev.yaml").read_text())
    config = document["config"]
    config.update({f"gke-kpo:{key}": value for key, value in changes.items()})
    config["gke-kpo:tenants"]["etl-dev"]["egress_cidrs"] = ["10.99.0.0/24"]
    path = folder / "Pulumi.dev.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_malformed_cluster_ranges_beside_egress_cidrs_are_named_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _dev_with(tmp_path, pods_cidr="banana", services_cidr="10.0.0.0/33")

    code = plan_command.main(["--stack", "dev", "--stack-file", str(path), "--build-dir", str(tmp_path / "build")])

    err = capsys.readouterr().err
    assert code == plan_command.EXIT_CONFIG
    assert "gke-kpo:pods_cidr: 'banana'" in err and "gke-kpo:services_cidr: '10.0.0.0/33'" in err
    assert "Traceback" not in err
    assert err.startswith(f"error: {path}: invalid stack configuration"), "the error names the file it is about"


def test_an_unexpected_error_is_reported_as_our_bug_with_the_trace_in_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(plan_command, "run_program", broken)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))

    code = plan_command.main(["--stack", "dev", "--build-dir", str(tmp_path / "build")])

    err = capsys.readouterr().err
    assert code == plan_command.EXIT_PROGRAM
    assert "this is a bug in gke-kpo" in err and "Traceback" not in err
    assert "KeyError: 'surprise'" in (tmp_path / "gke-kpo-plan-trace.txt").read_text()
