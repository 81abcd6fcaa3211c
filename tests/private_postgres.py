"""A PostgreSQL cluster of the test's own, made with ``initdb`` in a temporary folder and
started and stopped with ``pg_ctl``: for the tests that restart the database under a running
server (the shared test database cannot be stopped).

The server binaries come from Debian's packages (``/usr/lib/postgresql/N/bin``, the newest) or
the ``PATH``; ``make test`` installs them when it can (the Makefile's ``pgserver``). PostgreSQL
will not run as root, so as root the cluster runs as the ``postgres`` user (else ``nobody``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_PG


def server_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (None: not installed)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in versions:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    return None


def _run_as() -> str | None:
    """The user the cluster runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    pytest.skip("running as root with neither a postgres nor a nobody user to run PostgreSQL")


@dataclass
class Cluster:
    """One private cluster: its folder, port, and the commands that stop and start it."""

    bin: Path
    folder: Path
    port: int
    user: str | None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.user,
            cwd=self.folder,
        )
        assert done.returncode == 0, f"{args[0]} failed: {done.stdout}{done.stderr}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=40"  # fsync: an OS crash is not what is tested
        )
        self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
            "-l", str(self.folder / "log"), "-o", options,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.data))

    def log(self) -> str:
        path = self.folder / "log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def private_cluster(port: int) -> Iterator[Cluster]:
    """A fresh cluster on ``port`` (trust auth, user ``postgres``), started; removed after."""
    binaries = server_binaries()
    if binaries is None:
        if REQUIRE_PG or os.environ.get("CI"):
            pytest.fail("initdb/pg_ctl not found: install Debian's postgresql (make pgserver)")
        pytest.skip("initdb/pg_ctl not found (Debian: apt-get install postgresql)")
    user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="supple-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(binaries, folder, port, user)
    try:
        cluster._run(
            "initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                cluster.stop("immediate")  # (an error: it had stopped already)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
