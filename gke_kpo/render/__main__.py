"""``python -m gke_kpo.render --outputs FILE --out DIR [--conn-id ID] [--check]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gke_kpo.render import DEFAULT_CONN_ID, OutputsError, changed_files, render_files, write_files


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gke_kpo.render",
        description="Render the Airflow artifacts from `pulumi stack output --json --show-secrets`.",
    )
    parser.add_argument("--outputs", required=True, type=Path, help="the stack outputs JSON file")
    parser.add_argument("--out", required=True, type=Path, help="the folder to write into")
    parser.add_argument("--conn-id", default=DEFAULT_CONN_ID, help="Airflow connection id")
    parser.add_argument("--tenant", help="render only this tenant (default: every tenant, each in <out>/<tenant>/)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 listing the files that differ")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        outputs = json.loads(args.outputs.read_text(encoding="utf-8"))
        if not isinstance(outputs, dict):
            raise OutputsError("the outputs file must hold one JSON object")
        files = render_files(outputs, args.conn_id, args.tenant)
    except (OSError, json.JSONDecodeError, OutputsError) as error:
        print(f"error: {args.outputs}: {error}", file=sys.stderr)
        return 2
    if not args.check:
        write_files(files, args.out)
        return 0
    stale = changed_files(files, args.out)
    for relative in stale:
        print(f"differs: {args.out / relative}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
