"""Every string is translated to Traditional Chinese and the committed .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "zhengan" / "web" / "locale"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr (the first form for plurals), from the .po text, ignoring comments."""
    entries: dict[str, str] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgid|msgid_plural|msgstr|msgstr\[0\]|msgstr\[\d+\]) (\".*\")$", line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            entries[fields["msgid"]] = fields.get("msgstr", fields.get("msgstr[0]", ""))
    return entries


@pytest.mark.parametrize("language", ["zh_Hant", "en"])
def test_every_message_is_translated_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = _po_entries(po)
    assert len(entries) > 100
    untranslated = [m for m, s in entries.items() if not s]
    assert untranslated == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")
    with (po.with_suffix(".mo")).open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    compiled = {k if isinstance(k, str) else k[0] for k in catalogue._catalog if k}
    assert set(entries) <= compiled


def test_chinese_catalogue_really_is_chinese():
    entries = _po_entries(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po")
    assert entries["Sign in"] == "登入"
    assert all(re.search(r"[\u4e00-\u9fff]", s) for s in entries.values() if s and not s.startswith("%"))
