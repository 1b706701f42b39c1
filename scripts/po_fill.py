#!/usr/bin/env python3
"""Fill the msgstr of a Django .po file, then compile it (GNU msgfmt).

    scripts/po_fill.py src/zhengan/web/<app>/locale/zh_Hant/LC_MESSAGES/django.po translations.json
    scripts/po_fill.py src/zhengan/web/<app>/locale/en/LC_MESSAGES/django.po --english

translations.json maps msgid -> Traditional Chinese (for plurals, msgid -> [singular, plural] or a string for
both). With --english every msgstr becomes its msgid. Entries already translated are kept; a fuzzy entry (makemessages' guess
from a similar string) counts as untranslated; an msgid with no translation is reported and the script exits 1 (nothing is left empty silently).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _parse(block: list[str]) -> dict[str, str]:
    fields, current = {}, None
    for line in block:
        if line.startswith("#"):
            continue
        head, _, rest = line.partition(" ")
        if head.startswith("msg") and rest.startswith('"'):
            current = head
            fields[current] = ast.literal_eval(rest)
        elif line.startswith('"') and current:
            fields[current] += ast.literal_eval(line)
    return fields


def _blocks(text: str) -> list[str]:
    """Entries: a blank line ends one, and so does a comment or msgid after an msgstr."""
    blocks, current, seen_msgstr = [], [], False
    for line in text.splitlines():
        starts = line.startswith("#") or line.startswith("msgid ")
        if not line.strip() or (starts and seen_msgstr):
            if current:
                blocks.append("\n".join(current))
            current, seen_msgstr = [], False
            if not line.strip():
                continue
        current.append(line)
        seen_msgstr = seen_msgstr or line.startswith("msgstr")
    if current:
        blocks.append("\n".join(current))
    return blocks


def fill(po: Path, translations: dict | None) -> list[str]:
    blocks = _blocks(po.read_text(encoding="utf-8"))
    missing, out = [], []
    for text in blocks:
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in text.splitlines())
        lines = [line for line in text.splitlines() if line != "#, fuzzy" and not line.startswith("#| ")]
        lines = [line.replace(", fuzzy", "") if line.startswith("#,") else line for line in lines]
        fields = _parse(lines)
        msgid = fields.get("msgid")
        if not msgid:
            out.append("\n".join(lines))
            continue
        if fuzzy:  # makemessages' guess from a similar string: often wrong, never kept
            fields = {k: ("" if k.startswith("msgstr") else v) for k, v in fields.items()}
        comments = [line for line in lines if line.startswith("#")]
        plural = fields.get("msgid_plural")
        if plural is None:
            current = fields.get("msgstr", "")
            value = current or (msgid if translations is None else translations.get(msgid, ""))
            if not value:
                missing.append(msgid)
            body = [f"msgid {_quote(msgid)}", f"msgstr {_quote(value)}"]
        else:
            current = [fields.get("msgstr[0]", ""), fields.get("msgstr[1]", "")]
            if translations is None:
                value = [msgid, plural]
            else:
                found = translations.get(msgid, "")
                value = found if isinstance(found, list) else [found, found]
            value = [c or v for c, v in zip(current, value, strict=True)]
            if not all(value):
                missing.append(msgid)
            body = [f"msgid {_quote(msgid)}", f"msgid_plural {_quote(plural)}"]
            body += [f"msgstr[{i}] {_quote(v)}" for i, v in enumerate(value)]
        out.append("\n".join([*comments, *body]))
    po.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    return missing


def main(argv: list[str]) -> int:
    po = Path(argv[0])
    translations = None if argv[1] == "--english" else json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    missing = fill(po, translations)
    for msgid in missing:
        print(f"untranslated / 未翻譯: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
