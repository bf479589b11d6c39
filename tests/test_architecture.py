"""The pure packages stay pure: no Flask, no database, no app, and no imports of each other."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE = ["surveys", "nlp", "reports"]
FORBIDDEN = ["flask", "flask_sqlalchemy", "sqlalchemy", "app", "huey", "psycopg", "redis"]


def _modules_of(package: str) -> list[str]:
    base = ROOT / package
    names = []
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts))
    return names


@pytest.mark.parametrize("package", PURE)
def test_pure_package_imports_no_framework_or_sibling(package):
    """Import every module of the package in a fresh interpreter and list what got loaded."""
    modules = _modules_of(package)
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    siblings = [p for p in PURE if p != package]
    bad = sorted(
        name for name in loaded
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN + siblings)
    )
    assert bad == [], f"{package} pulled in {bad}"


def _imported_top_levels(package: str) -> set[str]:
    """Top-level names of every module the package's source imports (function-level too)."""
    import ast

    names: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PURE)
def test_pure_package_declares_every_third_party_import(package):
    """`pip install ".[nlp]"` must be enough for nlp: each third-party module the package
    imports belongs to a distribution its pyproject extra names."""
    import importlib.metadata
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        re.split(r"[<>=!~\[ ;]", req, maxsplit=1)[0].lower().replace("_", "-")
        for req in project["optional-dependencies"][package]
    }
    owners = importlib.metadata.packages_distributions()
    third_party = _imported_top_levels(package) - set(sys.stdlib_module_names) - {package}
    missing = {
        module: owners.get(module)
        for module in third_party
        if not {d.lower().replace("_", "-") for d in owners.get(module, [module])} & declared
    }
    assert missing == {}, f"{package} imports undeclared {missing}"


# The views' one commit path (app/blueprints/service_calls.py) and what it makes unnecessary.
COMMIT_HELPER = ROOT / "app" / "blueprints" / "service_calls.py"
SESSION_CALLS = {"commit", "rollback"}
DELIVERY_FLUSHES = {"flush_deliveries", "discard_pending_deliveries", "flush", "discard_pending",
                    "queue_training"}


def _direct_transaction_calls(path: Path) -> list[str]:
    """``…session.commit()``/``rollback()`` calls and hand-made delivery flushes in a module."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = ast.unparse(node.func.value)
        name = node.func.attr
        if (name in SESSION_CALLS and owner.split(".")[-1] == "session") or (
                name in DELIVERY_FLUSHES and owner in {"notifications", "webhooks", "corrections"}):
            found.append(f"{path.name}:{node.lineno} {owner}.{name}()")
    return found


def test_blueprints_commit_only_through_the_one_helper():
    offenders = [
        call for path in sorted((ROOT / "app" / "blueprints").rglob("*.py"))
        if path != COMMIT_HELPER for call in _direct_transaction_calls(path)
    ]
    assert offenders == [], (
        "views commit and roll back through app.blueprints.service_calls (committing(), "
        "commit()); staged work (notifications, retraining) is queued after the commit by the "
        "request: "
        + ", ".join(offenders))


def test_the_check_sees_a_direct_commit(tmp_path):
    view = tmp_path / "view.py"
    view.write_text("def save():\n    db.session.commit()\n    notifications.flush_deliveries()\n",
                    encoding="utf-8")
    assert _direct_transaction_calls(view) == [
        "view.py:2 db.session.commit()", "view.py:3 notifications.flush_deliveries()"]
