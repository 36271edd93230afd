"""``python -m gke_kpo.render --outputs FILE --out DIR [--conn-id ID] [--check] [DAG options]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gke_kpo.render import DEFAULT_CONN_ID, DagOptions, OutputsError, changed_files, render_files, write_files
from gke_kpo.render.long_tasks import GPU_STARTUP_TIMEOUT_SECONDS


def _positive_seconds(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number of seconds, got {text!r}")
    return int(text)


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
    parser.add_argument(
        "--deferrable",
        action=argparse.BooleanOptionalAction,
        default=DagOptions.deferrable,
        help="long tasks wait in the triggerer (default); --no-deferrable for a deployment without one",
    )
    parser.add_argument(
        "--keep-failed-pods", action="store_true", help="keep failed pods for debugging (default: delete every pod)"
    )
    parser.add_argument(
        "--gpu-startup-timeout",
        type=_positive_seconds,
        default=GPU_STARTUP_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"how long a long task may wait to start (default {GPU_STARTUP_TIMEOUT_SECONDS}: a GPU pool from zero)",
    )
    return parser


def _dag_options(args: argparse.Namespace) -> DagOptions:
    return DagOptions(
        deferrable=args.deferrable,
        keep_failed_pods=args.keep_failed_pods,
        gpu_startup_timeout_seconds=args.gpu_startup_timeout,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        outputs = json.loads(args.outputs.read_text(encoding="utf-8"))
        if not isinstance(outputs, dict):
            raise OutputsError("the outputs file must hold one JSON object")
        files = render_files(outputs, args.conn_id, args.tenant, _dag_options(args))
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
