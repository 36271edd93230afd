"""Run ``airflow dags test`` for several DAG ids in one interpreter: the CLI's own command, started once.

Run as a script (``python dags_test_many.py DAG_ID...``) with the Airflow environment of the run;
each DAG's outcome is in the metadata database (task states), as with the CLI.
"""

from __future__ import annotations

import sys


def main(dag_ids: list[str]) -> int:
    from airflow.cli import cli_parser

    parser = cli_parser.get_parser()
    failed = 0
    for dag_id in dag_ids:
        args = parser.parse_args(["dags", "test", dag_id])
        try:
            args.func(args)
        except SystemExit as exit_:
            print(f"dags test {dag_id}: {exit_}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
