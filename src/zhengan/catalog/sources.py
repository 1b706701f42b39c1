"""The five source documents, bundled verbatim, and the comparison that proves a quote is verbatim.

The seeds break lines in the middle of words (「保存政\\n\\n策」) and 002 is an HTML amendment table
whose text after amendment (修正後內容) is split across rows in mid-sentence. A quote is verbatim when,
after removing HTML tags and all white space from both sides, it is an exact substring of the
document's text in force: for 002 the 修正後內容 column joined in row order, for the others the file.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SOURCE_DIR = Path(__file__).parent / "sources"

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
AMENDED_COLUMN = "修正後內容"


def source_path(file_name: str) -> Path:
    return SOURCE_DIR / file_name


def source_files() -> list[str]:
    return sorted(p.name for p in SOURCE_DIR.glob("*.txt"))


def raw_text(file_name: str) -> str:
    return source_path(file_name).read_text(encoding="utf-8")


def strip_tags(text: str) -> str:
    return _TAG.sub(" ", text)


def fold(text: str) -> str:
    """Remove HTML tags and every white-space character (the seeds' line breaks fall inside words)."""
    return _SPACE.sub("", strip_tags(text))


def text_in_force(file_name: str) -> str:
    """The document's text in force: for an amendment table, the 修正後內容 column joined in order."""
    raw = raw_text(file_name)
    rows = [line.split("\t") for line in raw.splitlines()]
    header = next((cells for cells in rows if AMENDED_COLUMN in (c.strip() for c in cells)), None)
    if header is None:
        return raw
    column = [c.strip() for c in header].index(AMENDED_COLUMN)
    cells = [
        cells[column] for cells in rows if len(cells) > column and cells[column].strip() != AMENDED_COLUMN
    ]
    return "\n".join(cells)


@cache
def comparable(file_name: str) -> str:
    return fold(text_in_force(file_name))


def is_verbatim(quote: str, file_name: str) -> bool:
    folded = fold(quote)
    return bool(folded) and folded in comparable(file_name)
