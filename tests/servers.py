"""Real PostgreSQL and Redis servers for the test session, started and stopped by the suite.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
``postgres`` system user (through ``runuser``) in a temporary directory it owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A TCP port on loopback that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start within {timeout}s")


def pg_bin() -> Path:
    """The folder with PostgreSQL's server binaries."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0, reverse=True)
    if versions:
        return versions[0].parent
    raise RuntimeError("PostgreSQL server binaries not found; run `make test` to install them")


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster on a free loopback port."""

    root: Path
    port: int
    as_postgres: bool

    @property
    def base_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def url(self, database: str) -> str:
        """SQLAlchemy URL of a database on this server."""
        return f"{self.base_url}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def create_database(self, name: str) -> str:
        """Create a database and return its URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database (disconnecting anyone still using it)."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @classmethod
    def start(cls) -> PostgresServer:
        """initdb a fresh cluster and start it."""
        binaries = pg_bin()
        as_postgres = os.geteuid() == 0
        root = Path(tempfile.mkdtemp(prefix="huisheng-pg-"))
        if as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(root, pw.pw_uid, pw.pw_gid)
        server = cls(root=root, port=free_port(), as_postgres=as_postgres)
        data = root / "data"
        server._run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        server.resume()
        return server

    def _options(self) -> str:
        return (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200")

    def pause(self) -> None:
        """Stop the server but keep its data (a restart in two steps: see :meth:`resume`)."""
        self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast",
                  "-w", "stop")

    def resume(self) -> None:
        """Start the server on its data folder and port."""
        self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.root / "data"), "-o",
                  self._options(), "-l", str(self.root / "server.log"), "-w", "start")
        _wait_for_port(self.port)

    def stop(self) -> None:
        """Stop the cluster and delete its files."""
        self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                  "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class RedisServer:
    """A throwaway redis-server on a free loopback port."""

    process: subprocess.Popen
    port: int
    root: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @classmethod
    def start(cls, port: int | None = None) -> RedisServer:
        """Start redis-server without persistence (on ``port``, or a free one)."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server not found; run `make test` to install it")
        root = Path(tempfile.mkdtemp(prefix="huisheng-redis-"))
        port = port or free_port()
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for_port(port)
        return cls(process=process, port=port, root=root)

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> RedisServer:
        """A new, empty server on the same port (after :meth:`stop`)."""
        return type(self).start(self.port)
