"""Private images: the Artifact Registry repositories the node service account may read, one grant each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from gke_kpo.cloud import names

CONFIG_KEY: Final = "artifact_registry_repositories"
READER_ROLE: Final = "roles/artifactregistry.reader"
REPOSITORY_FORMAT: Final = "projects/<project>/locations/<location>/repositories/<repository>"

_REPOSITORY: Final = re.compile(
    r"^projects/(?P<project>[^/]+)/locations/(?P<location>[a-z][a-z0-9-]*[a-z0-9])"
    r"/repositories/(?P<name>[a-z]([a-z0-9-]{0,61}[a-z0-9])?)$"
)
"""Repository ids: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters."""


@dataclass(frozen=True)
class Repository:
    project: str
    location: str
    name: str

    @property
    def path(self) -> str:
        return f"projects/{self.project}/locations/{self.location}/repositories/{self.name}"


def repository_problem(value: str) -> str | None:
    match = _REPOSITORY.match(value)
    if not match:
        return f"{value!r} is not {REPOSITORY_FORMAT}"
    return names.project_id_problem(match["project"])


def parse_repository(value: str) -> Repository:
    """``value`` must have passed ``repository_problem``."""
    match = _REPOSITORY.match(value)
    assert match, value
    return Repository(match["project"], match["location"], match["name"])
