"""``make audit``: bandit finds nothing unexplained in the packages, and the dependency audit
reads vulnerability data from a local OSV export when no online service can be reached,
failing on an advisory that matches a locked version and on packages it could not check."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "audit_deps.py"


def _pinned(package: str) -> str:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return re.search(rf"^{package}==([^\s\\]+)", text, re.MULTILINE).group(1)


def _advisory(ident: str, package: str, events: list[dict]) -> dict:
    return {"schema_version": "1.6.0", "id": ident, "modified": "2026-11-01T00:00:00Z",
            "summary": f"made-up advisory for {package}", "details": "test data",
            "affected": [{"package": {"ecosystem": "PyPI", "name": package},
                          "ranges": [{"type": "ECOSYSTEM", "events": events}]}]}


def _audit(export: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--osv-export", str(export),
         "-r", str(ROOT / "requirements.txt"), "--timeout", "5"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)


@pytest.mark.slow
def test_bandit_finds_nothing_unexplained_in_the_packages():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-q", "-f", "json",
         "-r", "app", "surveys", "nlp", "reports"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    report = json.loads(result.stdout)
    assert report["results"] == [], [
        (r["filename"], r["line_number"], r["test_id"]) for r in report["results"]]
    assert result.returncode == 0


def test_a_locked_version_with_a_local_advisory_fails_the_audit(tmp_path):
    flask = _pinned("flask")
    export = tmp_path / "osv"
    export.mkdir()
    (export / "HS-TEST-1.json").write_text(json.dumps(_advisory(
        "HS-TEST-1", "Flask", [{"introduced": "0"}, {"fixed": "999.0"}])))
    (export / "HS-TEST-2.json").write_text(json.dumps(_advisory(
        "HS-TEST-2", "flask", [{"introduced": "0"}, {"fixed": flask}])))  # fixed in ours
    result = _audit(export)
    assert result.returncode != 0, result.stdout + result.stderr
    assert re.search(r"^flask\s+\S+\s+HS-TEST-1", result.stdout, re.MULTILINE)
    assert "HS-TEST-2" not in result.stdout


def test_an_export_without_matching_advisories_passes(tmp_path):
    export = tmp_path / "osv"
    export.mkdir()
    (export / "HS-TEST-3.json").write_text(json.dumps(_advisory(
        "HS-TEST-3", "flask", [{"introduced": "0"}, {"last_affected": "0.1"}])))
    result = _audit(export)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No known vulnerabilities found" in result.stdout + result.stderr
