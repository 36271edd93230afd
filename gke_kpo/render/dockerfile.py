"""The Dockerfile: render owns one delimited block in it, the user owns the rest, ``FROM`` included.

The block copies the auth plugin straight from the pinned Google Cloud CLI image (``COPY --from=<image>``: a name
that is no build stage is an image, moby/moby#32063), so it needs no stage of its own before the user's ``FROM``
and can sit anywhere in the final stage. New projects get a Dockerfile ``FROM`` the pinned runtime with the block;
in an existing one the block goes right after the final ``FROM`` and is only ever replaced in place.
"""

from __future__ import annotations

from gke_kpo.render import pins
from gke_kpo.render.astro import AIRFLOW3_RUNTIME_REPOSITORY, base_image, final_from
from gke_kpo.render.blocks import block, block_part
from gke_kpo.render.merge import Part

SUPPORTED = f"Airflow {'.'.join(map(str, pins.OLDEST_AIRFLOW))} or a newer 3.x"
OLDEST_RUNTIME_IMAGE = f"{AIRFLOW3_RUNTIME_REPOSITORY}:{pins.OLDEST_RUNTIME_TAG}"


def plugin_block(credentials_file: str, credentials_path: str | None = None) -> str:
    lines = [
        "# The GKE auth plugin: one static Go binary from the official Google Cloud CLI image (no gcloud, no apt).",
        "# With --use_application_default_credentials it takes each token from Workload Identity.",
        f"COPY --from={pins.GOOGLE_CLOUD_CLI_IMAGE} {pins.AUTH_PLUGIN_PATH_IN_CLI_IMAGE} "
        f"{pins.AUTH_PLUGIN_PATH_IN_RUNTIME}",
    ]
    if credentials_path:
        lines += [
            "# Workload Identity Federation: where the token is and whom to impersonate (no secret). Only the",
            "# plugin reads it: the kubeconfig's exec entry sets GOOGLE_APPLICATION_CREDENTIALS to this path.",
            f"COPY {credentials_file} {credentials_path}",
        ]
    return block(lines)


def _after_final_from(lines: list[str]) -> int:
    froms = [i for i, line in enumerate(lines) if final_from(line)]
    return froms[-1] + 1 if froms else len(lines)


def dockerfile_part(_ours: str) -> Part:
    return block_part(insert_at=_after_final_from)


def runtime_problem(dockerfile: str) -> str | None:
    """Why the rendered files would not run on this Dockerfile's ``FROM``, naming the oldest runtime that would."""
    base = base_image(dockerfile)
    if base is None or base.airflow is None:
        return None
    major, minor = base.airflow
    if base.airflow < pins.OLDEST_AIRFLOW or major > pins.OLDEST_AIRFLOW[0]:
        found = "Airflow 2" if major == 2 else f"Airflow {major}.{minor}"
        return (
            f"your Dockerfile's FROM {base.image} runs {found}; the rendered DAG needs {SUPPORTED}. Render never "
            f"changes your FROM: change it to {OLDEST_RUNTIME_IMAGE} (the oldest that works) or newer, then render "
            "again"
        )
    return None


def runtime_note(dockerfile: str) -> str | None:
    """A note when the Airflow version cannot be read from ``FROM`` (a custom base image, an ARG)."""
    base = base_image(dockerfile)
    if base is not None and base.airflow is not None:
        return None
    image = base.image if base else "(no FROM)"
    return (
        f"cannot tell the Airflow version of FROM {image}: the rendered files need {SUPPORTED} "
        f"({OLDEST_RUNTIME_IMAGE} or newer)"
    )
