"""``make stack NAME=<name> [POLICY=1]``: start an own stack from the commented templates in templates/.

Standard library only: it runs with the system Python, before any venv exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gke_kpo.config.template import stack_files
from gke_kpo.repo import REPO_ROOT, policy_config_file, repo_relative, stack_name_problem


class StackExistsError(Exception):
    """A file the command would create is already there; it never overwrites."""


def create_stack(name: str, root: Path = REPO_ROOT, policy: bool = False) -> list[Path]:
    problem = stack_name_problem(name)
    if problem:
        raise ValueError(problem)
    files = stack_files(name, root, policy)
    existing = [path for path in files if path.exists()]
    if existing:
        shown = ", ".join(str(path.relative_to(root)) for path in existing)
        policy_only = existing == [policy_config_file(name, root)]
        fix = "drop POLICY=1 to keep it, or delete it first" if policy_only else "pick another NAME or edit it"
        verb = "exists" if len(existing) == 1 else "exist"
        raise StackExistsError(f"{shown} already {verb}; nothing was written ({fix})")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def next_steps(name: str, policy: bool, kept_policy: bool = False) -> str:
    """``kept_policy``: the stack's policy config was there before (from an earlier stack of that name)."""
    kept = " (already there, kept)" if kept_policy else ""
    config = repo_relative(policy_config_file(name))
    relax = (
        f"  - {config}{kept} sets each policy's level (mandatory/advisory/disabled) and limits\n"
        if policy or kept_policy
        else f"  - without {config} the pack's strictest defaults apply; to relax a rule, copy "
        f"templates/policy-config.json to {config} and edit it\n"
    )
    return (
        f"next steps:\n"
        f"  1. edit Pulumi.{name}.yaml: the REPLACE values (project, tenant service account)\n"
        f"  2. make plan STACK={name}            # credential-free plan and policy verdicts\n"
        f"  3. pulumi stack init {name}          # once, with the real CLI; then make preview STACK={name}\n"
        f"{relax}"
        f"  - make golden STACK={name} writes tests/golden/{name}.yaml: make test then pins what this stack creates"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make stack",
        description="Create Pulumi.<name>.yaml (and policies/config/<name>.json) from templates/.",
        epilog="example: make stack NAME=staging POLICY=1",
    )
    parser.add_argument("--name", required=True, help="the stack name (make: NAME=)")
    parser.add_argument("--policy", action="store_true", help="also write policies/config/<name>.json (POLICY=1)")
    args = parser.parse_args(argv)
    kept_policy = not args.policy and policy_config_file(args.name, REPO_ROOT).is_file()
    try:
        created = create_stack(args.name, policy=args.policy)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except StackExistsError as exists:
        print(f"error: {exists}", file=sys.stderr)
        return 2
    for path in created:
        print(f"created {path.relative_to(REPO_ROOT)}")
    print(next_steps(args.name, args.policy, kept_policy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
