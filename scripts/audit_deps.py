"""Audit the locked dependencies for known vulnerabilities with pip-audit (``make audit``).

    python scripts/audit_deps.py                       # PyPI's vulnerability data (online)
    python scripts/audit_deps.py --osv-export PyPI.zip # a local OSV export, no network

Online, pip-audit asks PyPI's JSON API, which reports the OSV advisories of each pinned
version. Where that API cannot be reached (an offline machine, or a mirror that serves only
the package index), pass an OSV export instead: the ``PyPI/all.zip`` that osv.dev publishes
(or a folder of its JSON files), fetched on a machine that can reach it. The script serves it
on a loopback port with the OSV query API and points pip-audit's OSV service at it.

Either way the audit is strict: a package that could not be checked fails it, so an audit
that reached no vulnerability data never passes as clean. Extra arguments go to pip-audit.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILES = ("requirements.txt", "requirements-dev.txt")


def normalise(name: str) -> str:
    """A package name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _records(export: Path) -> Iterable[dict]:
    if export.is_dir():
        for path in sorted(export.rglob("*.json")):
            yield json.loads(path.read_text(encoding="utf-8"))
        return
    with zipfile.ZipFile(export) as archive:
        for name in archive.namelist():
            if name.endswith(".json"):
                yield json.loads(archive.read(name))


def _in_range(version: Version, events: list[dict]) -> bool:
    """Whether ``version`` falls in an OSV ECOSYSTEM range (introduced/fixed/last_affected)."""
    affected = False
    for event in sorted(events, key=lambda e: _event_version(e)):
        if "introduced" in event:
            affected = affected or version >= _event_version(event)
        elif "fixed" in event and version >= _event_version(event):
            affected = False
        elif "last_affected" in event and version > _event_version(event):
            affected = False
    return affected


def _event_version(event: dict) -> Version:
    value = next(iter(event.values()))
    return Version("0") if value == "0" else Version(value)


class OsvIndex:
    """The PyPI advisories of an OSV export, by package, answering OSV queries."""

    def __init__(self, export: Path) -> None:
        self.by_package: dict[str, list[dict]] = defaultdict(list)
        for record in _records(export):
            for affected in record.get("affected", []):
                package = affected.get("package", {})
                if package.get("ecosystem") == "PyPI":
                    self.by_package[normalise(package.get("name", ""))].append(record)
                    break

    def query(self, name: str, version: str) -> list[dict]:
        """The advisories that affect ``name`` at ``version``."""
        try:
            wanted = Version(version)
        except InvalidVersion:
            return []
        found = []
        for record in self.by_package.get(normalise(name), []):
            for affected in record.get("affected", []):
                package = affected.get("package", {})
                if normalise(package.get("name", "")) != normalise(name):
                    continue
                listed = version in affected.get("versions", [])
                ranged = any(_in_range(wanted, r.get("events", []))
                             for r in affected.get("ranges", []) if r.get("type") == "ECOSYSTEM")
                if listed or ranged:
                    found.append(record)
                    break
        return found


def serve(index: OsvIndex) -> ThreadingHTTPServer:
    """Answer ``POST /v1/query`` from ``index`` on a free loopback port (in a thread)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server hook's name
            length = int(self.headers.get("Content-Length") or 0)
            try:
                query = json.loads(self.rfile.read(length) or b"{}")
                package = query.get("package", {})
                vulns = index.query(package.get("name", ""), query.get("version", ""))
            except (ValueError, AttributeError):
                self.send_error(400)
                return
            body = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    """Run pip-audit over the lock files; returns its exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--osv-export", type=Path,
                        help="an OSV export (PyPI/all.zip, or a folder of its JSON files)")
    parser.add_argument("-r", "--requirement", action="append", type=Path,
                        help="lock file to audit (default: both of the project's)")
    args, extra = parser.parse_known_args(argv)
    files = args.requirement or [ROOT / name for name in LOCK_FILES]
    command = [sys.executable, "-m", "pip_audit", "--strict", "--disable-pip",
               "--require-hashes", "--progress-spinner", "off"]
    for path in files:
        command += ["-r", str(path)]
    server = None
    if args.osv_export is not None:
        index = OsvIndex(args.osv_export)
        server = serve(index)
        host, port = server.server_address[:2]
        print(f"auditing against {args.osv_export} ({len(index.by_package)} packages with "
              f"advisories)", flush=True)
        command += ["--vulnerability-service", "osv",
                    "--osv-url", f"http://{host}:{port}/v1/query"]
    try:
        return subprocess.run(command + extra, check=False).returncode  # noqa: S603  # nosec B603
    finally:
        if server is not None:
            server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
