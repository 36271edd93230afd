"""Your Dockerfile stays yours: render keeps one block current in it and checks that your FROM runs the DAG."""

from __future__ import annotations

from pathlib import Path

import pytest

from gke_kpo.render import pins
from gke_kpo.render.__main__ import main
from gke_kpo.render.blocks import BEGIN, END
from gke_kpo.render.dockerfile import OLDEST_RUNTIME_IMAGE, runtime_problem

from .conftest import GPU_XCOM_OUTPUTS_FILE, TENANT

USER_DOCKERFILE = """\
FROM astrocrpublic.azurecr.io/runtime:3.3-1
ENV TEAM_BUCKET=gs://team-a-data
RUN echo "ours" > /tmp/marker
"""


def _render(project: Path, *extra: str) -> int:
    return main(["--outputs", str(GPU_XCOM_OUTPUTS_FILE), "--out", str(project), "--tenant", TENANT, *extra])


def _user_lines(text: str) -> list[str]:
    lines = text.splitlines()
    if BEGIN not in lines:
        return lines
    return lines[: lines.index(BEGIN)] + lines[lines.index(END) + 1 :]


def test_the_block_goes_after_your_from_and_nothing_of_yours_changes(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(USER_DOCKERFILE)

    assert _render(tmp_path) == 0

    text = (tmp_path / "Dockerfile").read_text()
    assert _user_lines(text) == USER_DOCKERFILE.splitlines()
    lines = text.splitlines()
    assert lines[0] == "FROM astrocrpublic.azurecr.io/runtime:3.3-1" and lines[1] == BEGIN
    assert f"COPY --from={pins.GOOGLE_CLOUD_CLI_IMAGE} " in text
    assert _render(tmp_path) == 0 and (tmp_path / "Dockerfile").read_text() == text, "idempotent"


def test_a_block_you_moved_and_an_older_block_are_updated_where_they_are(tmp_path: Path) -> None:
    older = f"{BEGIN}\nCOPY --from=gcr.io/google.com/cloudsdktool/google-cloud-cli:500.0.0 /a /b\n{END}\n"
    text = USER_DOCKERFILE + "# my comment\n" + older + "USER astro\n"
    (tmp_path / "Dockerfile").write_text(text)
    # Render wrote that older block (the manifest says so): it may update it.
    assert _render(tmp_path, "--force") == 0  # unknown to the manifest: a conflict, forced once

    updated = (tmp_path / "Dockerfile").read_text()
    assert _user_lines(updated) == _user_lines(text)
    assert updated.index("# my comment") < updated.index(BEGIN) < updated.index("USER astro")
    assert "500.0.0" not in updated and (tmp_path / "Dockerfile.gke-kpo-backup").read_text() == text


@pytest.mark.parametrize(
    ("image", "found"),
    [
        ("astrocrpublic.azurecr.io/runtime:3.1-1", "Airflow 3.1"),
        ("astrocrpublic.azurecr.io/runtime:3.2-6-python-3.12", "Airflow 3.2"),
        ("quay.io/astronomer/astro-runtime:12.5.0", "Airflow 2"),
        ("astrocrpublic.azurecr.io/runtime:4.0-1", "Airflow 4.0"),
    ],
)
def test_a_runtime_the_dag_does_not_run_on_is_refused_naming_the_oldest_that_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], image: str, found: str
) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM {image}\nENV A=1\n")

    assert _render(tmp_path) == 2

    error = capsys.readouterr().err
    assert f"FROM {image} runs {found};" in error and f"change it to {OLDEST_RUNTIME_IMAGE}" in error
    assert (tmp_path / "Dockerfile").read_text() == f"FROM {image}\nENV A=1\n"
    assert not (tmp_path / "dags").exists()


@pytest.mark.parametrize(
    "image",
    [
        "astrocrpublic.azurecr.io/runtime:3.3-1",
        "astrocrpublic.azurecr.io/runtime:3.3-2-base",
        "astrocrpublic.azurecr.io/runtime:3.4-1",
        pins.ASTRO_RUNTIME_IMAGE,
    ],
)
def test_supported_runtimes_pass(image: str) -> None:
    assert runtime_problem(f"FROM {image}\n") is None


def test_the_oldest_supported_runtime_is_the_pinned_minimum() -> None:
    assert runtime_problem(f"FROM {OLDEST_RUNTIME_IMAGE}\n") is None
    older = f"{OLDEST_RUNTIME_IMAGE.split(':')[0]}:{pins.OLDEST_AIRFLOW[0]}.{pins.OLDEST_AIRFLOW[1] - 1}-9"
    assert runtime_problem(f"FROM {older}\n") is not None


def test_an_unreadable_from_gets_a_note_and_the_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Dockerfile").write_text("ARG BASE\nFROM ${BASE}\n")

    assert _render(tmp_path) == 0

    assert "note:" in capsys.readouterr().err
    assert (tmp_path / "Dockerfile").read_text().startswith(f"ARG BASE\nFROM ${{BASE}}\n{BEGIN}\n")
