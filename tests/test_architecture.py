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


# The services are grouped by domain (docs/development.md, "Layout"): a module at the top of
# app/services is shared by several domains; a domain's use cases live in its package.
SERVICES = ROOT / "app" / "services"
SHARED_SERVICES = {
    "after_commit", "audit", "channels", "errors", "job_leases", "jobs", "links", "mailer",
    "notifications", "qr", "retention", "spreadsheet_errors", "tags", "ttl_cache", "webhooks",
}
SERVICE_DOMAINS = {"accounts", "insights", "interviews", "metrics", "reports", "suggestions",
                   "surveys"}


def test_services_are_domain_packages_and_a_few_shared_modules():
    modules = {p.stem for p in SERVICES.glob("*.py")} - {"__init__"}
    packages = {p.parent.name for p in SERVICES.glob("*/__init__.py")}
    assert modules == SHARED_SERVICES, (
        "a use case belongs in its domain's package under app/services; a module at the top "
        f"is shared by several domains (docs/development.md): {sorted(modules ^ SHARED_SERVICES)}")
    assert packages == SERVICE_DOMAINS, sorted(packages ^ SERVICE_DOMAINS)


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _service_module_names(paths) -> dict[str, dict[str, list[str]]]:
    """For each app.services module, the names the given files import it under, and where."""
    import ast

    names: dict[str, dict[str, list[str]]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                    node.module == "app.services" or node.module.startswith("app.services.")):
                for alias in node.names:
                    module = f"{node.module}.{alias.name}"
                    if _is_module(module):
                        where = f"{path.name}:{node.lineno}"
                        names.setdefault(module, {}).setdefault(
                            alias.asname or alias.name, []).append(where)
    return names


def test_each_service_module_has_one_name_in_the_app():
    """``survey_service`` is the survey lifecycle in every view, task and service."""
    names = _service_module_names(sorted((ROOT / "app").rglob("*.py")))
    several = {module: spellings for module, spellings in names.items() if len(spellings) > 1}
    assert several == {}, f"service modules imported under more than one name: {several}"


def test_the_check_sees_two_names_for_one_module(tmp_path):
    one = tmp_path / "one.py"
    one.write_text("from app.services.surveys import lifecycle as survey_service\n",
                   encoding="utf-8")
    two = tmp_path / "two.py"
    two.write_text("from app.services.surveys import lifecycle\n", encoding="utf-8")
    assert _service_module_names([one, two]) == {"app.services.surveys.lifecycle": {
        "survey_service": ["one.py:1"], "lifecycle": ["two.py:1"]}}


def _survey_package_spellings(path: Path) -> list[str]:
    """Imports in a module that read the pure ``surveys`` package other than ``as domain``:
    ``import surveys`` under another name, or a name the package exports imported by itself
    (``from surveys import validate_answers``, ``from surveys.crosstab import cross_tab``).
    A submodule, or a name only its submodule has, is imported from that submodule."""
    import ast

    import surveys

    exported = set(surveys.__all__)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno} import surveys as {alias.asname}"
                      for alias in node.names
                      if alias.name == "surveys" and alias.asname != "domain"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == "surveys" or node.module.startswith("surveys.")):
            found += [f"{path.name}:{node.lineno} from {node.module} import {alias.name}"
                      for alias in node.names
                      if alias.name in exported and not _is_module(f"{node.module}.{alias.name}")]
    return found


def test_the_app_reads_the_pure_survey_package_as_domain():
    offenders = [
        found for path in sorted((ROOT / "app").rglob("*.py"))
        for found in _survey_package_spellings(path)
    ]
    assert offenders == [], (
        "in app/, the pure package is `import surveys as domain` and its names are read as "
        "`domain.name`: " + ", ".join(offenders))


def test_the_check_sees_other_spellings_of_the_survey_package(tmp_path):
    module = tmp_path / "view.py"
    module.write_text(
        "import surveys\nimport surveys as domain\nfrom surveys import editing\n"
        "from surveys import loads\nfrom surveys.crosstab import cross_tab\n"
        "from surveys.conditions import NO_VALUE_OPERATORS\n", encoding="utf-8")
    assert _survey_package_spellings(module) == [
        "view.py:1 import surveys as None", "view.py:4 from surveys import loads",
        "view.py:5 from surveys.crosstab import cross_tab"]
