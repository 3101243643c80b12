"""A PostgreSQL cluster of the test's own (initdb on a temp directory, a free port), so a test
can stop and start the database under a running Gravl without touching the shared server."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.ops.live_server import free_port


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise AssertionError(f"PostgreSQL's {name} is not installed (package postgresql)")
    return found[-1]


class PgCluster:
    def __init__(self) -> None:
        # Not under pytest's tmp_path: its parents are private to root, and the server runs as
        # the postgres user, which must be able to reach its data directory.
        directory = Path(tempfile.mkdtemp(prefix="gravl-pg-"))
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.log = directory / "postgres.log"
        # initdb refuses to run as root; the cluster belongs to the postgres system user.
        self._user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        command = list(args)
        if self._user:
            command = ["runuser", "-u", self._user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._user:
            entry = pwd.getpwnam(self._user)
            shutil.chown(self.directory, entry.pw_uid, entry.pw_gid)
        self._run(
            _bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off"
        self._run(
            _bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
