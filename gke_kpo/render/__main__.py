"""``python -m gke_kpo.render --outputs FILE --out DIR [--conn-id ID] [--force | --check]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gke_kpo.render import DEFAULT_CONN_ID, OutputsError, render_files
from gke_kpo.render.place import place_files
from gke_kpo.render.validate import check_conn_id

EXAMPLES = """\
examples:
  pulumi stack output --stack dev --json --show-secrets > outputs.json
  make render OUTPUTS=outputs.json OUT=~/my-astro-project            # safe: refuses to replace your files
  make render OUTPUTS=outputs.json OUT=~/my-astro-project CHECK=1    # only say what would change (exit 1 if any)
  make render OUTPUTS=outputs.json OUT=~/my-astro-project FORCE=1    # overwrite the files listed as "differs"
  python -m gke_kpo.render --outputs build/dev/outputs.json --out /tmp/mock --conn-id remote_gke

what happens to each file (one line per file is always printed):
  written / would write   it did not exist
  unchanged               it already holds exactly this
  merged / would merge    requirements.txt: your lines kept, missing pins added;
                          airflow_settings.yaml: the connection set by conn_id, your other entries kept
  differs                 anything else that differs: nothing at all is written (exit 1) unless --force
  overwritten             --force replaced it (requirements/settings are still merged, never replaced)
exit codes: 0 done (or nothing to change), 1 refused or --check found changes, 2 bad outputs or --conn-id
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gke_kpo.render",
        description="Render the Airflow files (kubeconfig, connection, Dockerfile, requirements, DAG) from "
        "`pulumi stack output --json --show-secrets`, into a folder that may be your Astro project.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--outputs", required=True, type=Path, help="the stack outputs JSON file")
    parser.add_argument("--out", required=True, type=Path, help="the folder to write into (created if missing)")
    parser.add_argument("--conn-id", default=DEFAULT_CONN_ID, help=f"Airflow connection id (default {DEFAULT_CONN_ID})")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true", help="overwrite files that differ (make: FORCE=1)")
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if any file would change")
    return parser


def _render(args: argparse.Namespace) -> dict[str, str] | None:
    try:
        check_conn_id(args.conn_id)
    except OutputsError as error:
        print(f"error: --conn-id (make: CONN_ID): {error}", file=sys.stderr)
        return None
    try:
        outputs = json.loads(args.outputs.read_text(encoding="utf-8"))
        if not isinstance(outputs, dict):
            raise OutputsError("the outputs file must hold one JSON object")
        return render_files(outputs, args.conn_id)
    except (OSError, json.JSONDecodeError, OutputsError) as error:
        print(f"error: {args.outputs}: {error}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    files = _render(args)
    if files is None:
        return 2
    outcome = place_files(files, args.out, force=args.force, dry_run=args.check)
    print("\n".join(outcome.lines))
    if outcome.refused:
        print(
            "refused: the files marked 'differs' are not what this render produces, so nothing was written.\n"
            "Compare them (--check), then rerun with --force (make: FORCE=1) to overwrite them.",
            file=sys.stderr,
        )
        return 1
    return 1 if args.check and outcome.pending else 0


if __name__ == "__main__":
    sys.exit(main())
