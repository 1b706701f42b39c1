"""Every string is translated to Traditional Chinese and the committed .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "zhengan" / "web"
LOCALE = WEB / "locale"
# Each app may keep its own messages in <app>/locale (Django looks there after LOCALE_PATHS).
CATALOGUES = sorted(WEB.glob("**/locale/*/LC_MESSAGES/django.po"))


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


def test_both_languages_everywhere():
    languages = {}
    for po in CATALOGUES:
        languages.setdefault(po.parents[3], set()).add(po.parents[1].name)
    assert len(languages) >= 2
    assert all(found == {"zh_Hant", "en"} for found in languages.values()), languages


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_every_message_is_translated_and_compiled(po):
    entries = _po_entries(po)
    assert len(entries) > (100 if po.is_relative_to(LOCALE) else 5)
    untranslated = [m for m, s in entries.items() if not s]
    assert untranslated == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")
    with (po.with_suffix(".mo")).open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    compiled = {k if isinstance(k, str) else k[0] for k in catalogue._catalog if k}
    assert set(entries) <= compiled


def test_chinese_catalogue_really_is_chinese():
    assert _po_entries(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po")["Sign in"] == "登入"
    for po in CATALOGUES:
        if po.parents[1].name == "zh_Hant":
            entries = _po_entries(po)
            assert all(
                re.search(r"[\u4e00-\u9fff]", s) for s in entries.values() if s and not s.startswith("%")
            ), po


def test_no_message_means_two_things():
    """Django merges every catalogue and the first app wins, so one msgid must read the same everywhere.

    A word that means different things in two apps (an assessor's name and a system's name) needs its
    own msgid; otherwise one page silently shows the other app's translation.
    """
    seen: dict[str, dict[str, str]] = {}
    for po in CATALOGUES:
        if po.parents[1].name != "zh_Hant":
            continue
        for msgid, msgstr in _po_entries(po).items():
            seen.setdefault(msgid, {})[str(po.relative_to(WEB).parents[3])] = msgstr
    clashes = {msgid: found for msgid, found in seen.items() if len(set(found.values())) > 1}
    assert clashes == {}
