"""Translation upkeep: extract messages, merge them into the catalogs, and list gaps.

    python scripts/i18n.py update    # extract from code and templates, merge into en.po
    python scripts/i18n.py check     # list msgids without an English translation
    python scripts/i18n.py compile   # build the .mo files (make does this)

Message ids are the Simplified Chinese texts; the English catalog translates them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ["en"]


def pybabel(*args: str) -> None:
    """Run pybabel from the same environment."""
    subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT
    )


def update() -> None:
    """Extract messages and merge them into every catalog."""
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(POT),
            "--no-location", "--omit-header", "--sort-output", ".")
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale,
                    "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)


def missing(locale: str = "en") -> list[str]:
    """Message ids that have no translation in the catalog."""
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    gaps = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def compile_catalogs() -> None:
    """Build .mo files from the .po files."""
    pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogs()
    elif command == "check":
        gaps = missing()
        for gap in gaps:
            print(gap)
        print(f"{len(gaps)} untranslated", file=sys.stderr)
        return 1 if gaps else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
