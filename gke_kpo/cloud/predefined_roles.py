"""What each predefined role the deployer table may use holds: ``data/predefined_roles.json``, a pinned, dated copy.

Google publishes no machine-readable role list in the repository's reach, so the file copies the roles this project
uses from darkbitio/gcp-iam-role-permissions (a daily ``gcloud iam roles describe`` of every predefined role; the
file records the commit and its date). Refresh it from a checkout of that repository, then review the diff:

    python -m gke_kpo.cloud.predefined_roles --from <checkout>/roles --commit <sha> --date <YYYY-MM-DD>
"""

from __future__ import annotations

import argparse
import json
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "predefined_roles.json"
SOURCE_REPOSITORY = "https://github.com/darkbitio/gcp-iam-role-permissions"

KEPT_ROLES: tuple[str, ...] = (
    "roles/artifactregistry.admin",
    "roles/compute.networkAdmin",
    "roles/compute.networkUser",
    "roles/container.admin",
    # Not granted: kept to show why container.admin is (it holds no container.namespaces.* nor container.roles.*).
    "roles/container.clusterAdmin",
    "roles/iam.roleAdmin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountUser",
    "roles/iam.workloadIdentityPoolAdmin",
    "roles/resourcemanager.projectIamAdmin",
    "roles/serviceusage.serviceUsageConsumer",
)
"""The roles the deployer table grants or weighs; the file holds exactly these."""


@cache
def _data() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(DATA_FILE.read_text())
    return loaded


def source() -> dict[str, str]:
    described: dict[str, str] = _data()["source"]  # type: ignore[assignment]
    return described


def role_permissions(role: str) -> frozenset[str]:
    """The role's included permissions, spelled as ``gcloud iam roles describe`` prints them."""
    roles: dict[str, dict[str, list[str]]] = _data()["roles"]  # type: ignore[assignment]
    if role not in roles:
        raise KeyError(f"{role} is not in {DATA_FILE.name}: add it to KEPT_ROLES and refresh the file")
    return frozenset(roles[role]["includedPermissions"])


def data_from(roles_dir: Path, commit: str, date: str) -> dict[str, object]:
    """The file's content from a checkout's ``roles/`` folder (one ``gcloud iam roles describe`` JSON per role)."""
    roles = {}
    for role in KEPT_ROLES:
        described = json.loads((roles_dir / role.removeprefix("roles/")).read_text())
        roles[role] = {
            "title": described["title"],
            "stage": described["stage"],
            "includedPermissions": sorted(described["includedPermissions"]),
        }
    return {
        "source": {
            "repository": SOURCE_REPOSITORY,
            "commit": commit,
            "taken": date,
            "how": "roles/<name> of that commit: `gcloud iam roles describe roles/<name> --format json`, refreshed "
            "daily by the repository's fetch-all-roles.sh",
        },
        "roles": roles,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gke_kpo.cloud.predefined_roles", description=__doc__)
    parser.add_argument("--from", dest="roles_dir", type=Path, required=True, help="the checkout's roles/ folder")
    parser.add_argument("--commit", required=True, help="the checkout's commit")
    parser.add_argument("--date", required=True, help="the commit's date, YYYY-MM-DD")
    arguments = parser.parse_args(argv)
    text = json.dumps(data_from(arguments.roles_dir, arguments.commit, arguments.date), indent=1)
    DATA_FILE.write_text(text + "\n")
    print(f"wrote {DATA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
