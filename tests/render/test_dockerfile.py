"""The rendered Dockerfile, read by a real Dockerfile parser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser

from gke_kpo.cloud.federation import CREDENTIALS_FILE_NAME, CREDENTIALS_PATH_IN_IMAGE
from gke_kpo.render import artifacts, pins

from .conftest import load_gpu_xcom_outputs, one_tenant_files

PINNED_TAG = re.compile(r"^[^:@\s]+(:[0-9][\w.\-]*|@sha256:[0-9a-f]{64})(\s+AS\s+\S+)?$", re.IGNORECASE)


@pytest.fixture
def instructions(tmp_path: Path) -> list[dict[str, Any]]:
    # The parser writes its content to <path>/Dockerfile; keep that out of the working tree.
    parser = DockerfileParser(path=str(tmp_path))
    parser.content = one_tenant_files(load_gpu_xcom_outputs())["Dockerfile"]
    parsed: list[dict[str, Any]] = parser.structure
    return [step for step in parsed if step["instruction"] != "COMMENT"]


def _final_stage(instructions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    last_from = max(i for i, step in enumerate(instructions) if step["instruction"] == "FROM")
    return instructions[last_from:]


def test_every_image_is_pinned_to_a_version(instructions: list[dict[str, Any]]) -> None:
    images = [step["value"] for step in instructions if step["instruction"] == "FROM"]
    images += [step["value"].split()[0].removeprefix("--from=") for step in instructions if "--from=" in step["value"]]
    assert len(images) == 2
    assert all(PINNED_TAG.match(image) for image in images), images


def test_plugin_comes_from_the_full_google_cloud_cli_image(instructions: list[dict[str, Any]]) -> None:
    [copy] = [step["value"] for step in instructions if step["instruction"] == "COPY"]
    assert copy.split()[0] == f"--from={pins.GOOGLE_CLOUD_CLI_IMAGE}"
    assert "slim" not in copy


def test_final_stage_is_astro_runtime_copying_only_the_plugin(instructions: list[dict[str, Any]]) -> None:
    final = _final_stage(instructions)

    assert final[0]["value"] == pins.ASTRO_RUNTIME_IMAGE
    assert [step["instruction"] for step in final] == ["FROM", "COPY", "USER"]
    assert final[1]["value"] == (
        f"--from={pins.GOOGLE_CLOUD_CLI_IMAGE} {pins.AUTH_PLUGIN_PATH_IN_CLI_IMAGE} {pins.AUTH_PLUGIN_PATH_IN_RUNTIME}"
    )
    assert final[-1]["value"] == pins.ASTRO_RUNTIME_USER


def test_nothing_is_installed_with_apt(instructions: list[dict[str, Any]]) -> None:
    assert not [step for step in instructions if step["instruction"] == "RUN"]


def test_federated_image_also_copies_the_credential_file_before_dropping_root(tmp_path: Path) -> None:
    parser = DockerfileParser(path=str(tmp_path))
    parser.content = artifacts.dockerfile(credentials_path=CREDENTIALS_PATH_IN_IMAGE)
    final = _final_stage([step for step in parser.structure if step["instruction"] != "COMMENT"])

    assert [step["instruction"] for step in final] == ["FROM", "COPY", "COPY", "USER"]
    assert final[2]["value"] == f"{CREDENTIALS_FILE_NAME} {CREDENTIALS_PATH_IN_IMAGE}"
