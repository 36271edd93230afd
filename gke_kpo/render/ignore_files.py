"""What render adds to the project's ``.dockerignore`` and ``.gitignore``: the connection material stays out of the
image that ``astro deploy`` builds (the Astro Runtime image copies the whole project folder) and out of git.

The image needs none of it: on Astro the connection is a secret Deployment environment variable (README, "On Astro
(deployed)"). ``airflow_settings.yaml`` is for ``astro dev`` only; the Astro CLI's own ``.dockerignore`` lists it
too (astronomer/astro-cli pkg/airflowrt/include/dockerignore at ed93cc59) and ours repeats it in case yours does not.
Docker matches ``.dockerignore`` patterns from the context root (``**`` for any folder); git matches a pattern without
a slash in every folder.
"""

from __future__ import annotations

from gke_kpo.render.blocks import block

CONNECTION_FILES = ("kubeconfig.yaml", "connection.env", "connection.json")
"""The files that hold the cluster's endpoint and CA for a connection; written for you to copy, never built in."""

SIDE_FILES = ("*.gke-kpo-new", "*.gke-kpo-backup*")
"""What a conflict leaves next to a file (place.py): a new version or a backup, the latter maybe of a connection."""


def dockerignore() -> str:
    return block([*CONNECTION_FILES, "airflow_settings.yaml", ".gke-kpo/", *(f"**/{name}" for name in SIDE_FILES)])


def gitignore() -> str:
    # The manifest (.gke-kpo/) is meant to be committed: a teammate's render then knows what render owns.
    return block([*CONNECTION_FILES, *SIDE_FILES])
