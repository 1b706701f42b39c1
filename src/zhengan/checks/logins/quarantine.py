"""Bad records never stop the run and are never lost: each is written here with file, line and reason."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from zhengan.checks.result import InputError


def write_quarantine(errors: Iterable[InputError], path: Path) -> int:
    """Write one JSON line per rejected record; returns how many were written."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for error in errors:
            record = {
                "file": error.source.file,
                "line": error.source.line,
                "field": error.source.field,
                "reason_zh": error.message.zh,
                "reason_en": error.message.en,
                "raw": error.raw,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count
