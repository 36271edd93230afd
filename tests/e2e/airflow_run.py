"""Run the real ``airflow`` CLI in a throw-away AIRFLOW_HOME with SQLite, offline."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

AIRFLOW_TIMEOUT_SECONDS = 120


def airflow_executable() -> Path | None:
    """The ``airflow`` script of the interpreter running the tests, if installed there."""
    candidate = Path(sys.executable).parent / "airflow"
    return candidate if candidate.exists() else None


def connection_env_var(connection_env: str) -> tuple[str, str]:
    """Parse the rendered ``connection.env`` line the way a POSIX shell would."""
    [assignment] = shlex.split(connection_env, comments=True)
    name, _, value = assignment.partition("=")
    return name, value


@dataclass(frozen=True)
class AirflowHome:
    path: Path
    dags_folder: Path
    metadata_host: str

    @property
    def database(self) -> Path:
        return self.path / "airflow.db"

    def environment(self, extra: dict[str, str]) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
        # No real Google credentials may leak in: ADC must end at the fake metadata server.
        env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
        env.pop("KUBECONFIG", None)
        env |= {
            "HOME": str(self.path),
            "CLOUDSDK_CONFIG": str(self.path / "gcloud"),
            "GCE_METADATA_HOST": self.metadata_host,
            "AIRFLOW_HOME": str(self.path),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.database}",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        }
        return env | extra

    def run(self, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        executable = airflow_executable()
        assert executable is not None
        return self._run([str(executable), *args], extra_env)

    def run_script(
        self, script: Path, *args: str, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """A Python script in this home's Airflow environment (e.g. several ``dags test`` in one process)."""
        return self._run([sys.executable, str(script), *args], extra_env)

    def _run(self, command: list[str], extra_env: dict[str, str] | None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            env=self.environment(extra_env or {}),
            capture_output=True,
            text=True,
            timeout=AIRFLOW_TIMEOUT_SECONDS,
            check=False,
        )

    def clone(self, path: Path, dags_folder: Path, metadata_host: str) -> AirflowHome:
        """A new home starting from a copy of this one's migrated database, so migration runs once."""
        path.mkdir(parents=True)
        shutil.copy2(self.database, path / "airflow.db")
        return AirflowHome(path, dags_folder, metadata_host)

    def task_states(self, dag_id: str) -> dict[str, str]:
        with sqlite3.connect(self.database) as db:
            rows = db.execute("SELECT task_id, state FROM task_instance WHERE dag_id = ?", (dag_id,)).fetchall()
        return {task_id: state for task_id, state in rows}
