"""Where the report package keeps its templates and static files."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
#: The report's own static files (the PDF fetcher may read only from here, by default).
STATIC_DIR = PACKAGE_DIR / "static"
