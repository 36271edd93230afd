"""``make golden [STACK=<name>]``: rewrite golden inventories after a deliberate change; review the diff first."""

from __future__ import annotations

import argparse
import sys

from gke_kpo.plan.inventory import golden_path, write_golden
from gke_kpo.preview.capture import run_program
from gke_kpo.repo import REPO_ROOT, known_stacks


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="make golden",
        description="Rewrite tests/golden/<stack>.yaml from what the stack now declares (the golden rule: "
        "docs/development.md). Without --stack: every stack that already has a golden file.",
        epilog="examples:\n  make golden                # the stacks with a golden file\n"
        "  make golden STACK=staging  # this stack only (creates its golden file: make test then pins it)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stack", action="append", help="a stack to (re)write; repeat for several (make: STACK=)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    known = known_stacks()
    unknown = [stack for stack in args.stack or [] if stack not in known]
    if unknown:
        print(f"error: no stack file for {', '.join(unknown)}; existing stacks: {', '.join(known)}", file=sys.stderr)
        return 2
    stacks = args.stack or [stack for stack in known if golden_path(stack).is_file()]
    for stack in stacks:
        print(f"wrote {write_golden(run_program(stack)).relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
