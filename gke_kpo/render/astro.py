"""What an Astro project is, and which Airflow its Dockerfile's ``FROM`` runs.

Facts from the Astro CLI (astronomer/astro-cli at ed93cc59, 2026-08-13):
- ``airflow/constants.go``: Airflow 3 runtimes are ``astrocrpublic.azurecr.io/runtime``, Airflow 2 ones
  ``quay.io/astronomer/astro-runtime`` (``airflow/docker.go`` ``upgradeDockerfile`` rewrites exactly these ``FROM``s).
- ``airflow_versions/runtime_versions.go``: a runtime tag ``X.Y-Z`` (optionally ``-suffix`` or ``.suffix``, e.g.
  ``3.1-1-base``) is Airflow ``X.Y`` plus Astronomer's patch ``Z``; an old-format semver tag (``12.5.0``) is Airflow 2.
- ``config/config.go``: a project's own settings live in ``.astro/`` (``ConfigDir``) next to its ``Dockerfile``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

AIRFLOW3_RUNTIME_REPOSITORY = "astrocrpublic.azurecr.io/runtime"
AIRFLOW2_RUNTIME_REPOSITORY = "quay.io/astronomer/astro-runtime"
_RUNTIME_TAG = re.compile(r"^(\d+)\.(\d+)-(\d+)(?:[.-](.+))?$")
_SEMVER_TAG = re.compile(r"^\d+\.\d+\.\d+$")
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+\S+)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class BaseImage:
    image: str
    """The final stage's ``FROM`` image, as written."""
    airflow: tuple[int, int] | None
    """Airflow (major, minor) when the image is an Astro Runtime whose tag says it (Airflow 2 tags: (2, 0))."""


def final_from(dockerfile: str) -> str | None:
    """The image of the last ``FROM`` (the stage that becomes the image), or None without one."""
    images = [match.group(1) for line in dockerfile.splitlines() if (match := _FROM.match(line))]
    return images[-1] if images else None


def airflow_of(image: str) -> tuple[int, int] | None:
    """Airflow (major, minor) of an Astro Runtime image reference; None for any other image or an unreadable tag."""
    repository, _, tag = image.partition("@")[0].rpartition(":")
    if repository == AIRFLOW3_RUNTIME_REPOSITORY and (match := _RUNTIME_TAG.match(tag)):
        return int(match.group(1)), int(match.group(2))
    if repository == AIRFLOW2_RUNTIME_REPOSITORY and _SEMVER_TAG.match(tag):
        return 2, 0
    return None


def base_image(dockerfile: str) -> BaseImage | None:
    image = final_from(dockerfile)
    return BaseImage(image, airflow_of(image)) if image else None


def is_astro_project(folder: Path) -> bool:
    """A Dockerfile next to ``astro dev init``'s ``.astro/`` or built on an Astro Runtime image.

    The Dockerfile is required: ``~/.astro`` is also the CLI's home configuration folder."""
    dockerfile = folder / "Dockerfile"
    if not dockerfile.is_file():
        return False
    if (folder / ".astro").is_dir():
        return True
    image = final_from(dockerfile.read_text(encoding="utf-8", errors="replace"))
    return image is not None and image.startswith((AIRFLOW3_RUNTIME_REPOSITORY, AIRFLOW2_RUNTIME_REPOSITORY))
