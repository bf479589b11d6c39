"""Every user-visible message has an English translation; Chinese renders by default."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _catalog(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def test_every_message_in_code_and_templates_is_translated_to_english(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    wanted = {m.id for m in _catalog(pot) if m.id}
    english = _catalog(ROOT / "app/translations/en/LC_MESSAGES/messages.po")
    translated = {m.id for m in english if m.id and m.string and not m.fuzzy}
    missing = sorted(wanted - translated, key=str)
    assert missing == [], f"add English translations (scripts/i18n.py update): {missing}"


def test_placeholders_match_between_chinese_and_english():
    import re

    english = _catalog(ROOT / "app/translations/en/LC_MESSAGES/messages.po")
    pattern = re.compile(r"%\((\w+)\)[sd]")
    for message in english:
        if message.id and message.string:
            assert sorted(pattern.findall(message.id)) == sorted(
                pattern.findall(message.string)), message.id


def test_service_errors_follow_the_interface_language(app):
    from flask_babel import force_locale

    from app.services.accounts.users import check_password_strength
    from app.services.errors import ServiceError

    with app.test_request_context(), force_locale("en"):
        try:
            check_password_strength("short")
        except ServiceError as exc:
            assert exc.message == "The password needs at least 10 characters."
    with app.test_request_context():
        try:
            check_password_strength("short")
        except ServiceError as exc:
            assert exc.message == "密码至少需要 10 个字符。"
