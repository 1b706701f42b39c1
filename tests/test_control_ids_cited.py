"""Every control id the code cites (checks, rules, detections, reports) exists in the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "zhengan"
CITED = re.compile(r"\b((?:SR|ET|CC17010|FC|AP)-\d+(?:\.(?:\d+|[A-Za-z]|p\d+))*)")


def test_every_cited_control_id_exists(catalog):
    unknown = {}
    for path in SRC.rglob("*"):
        if path.suffix not in {".py", ".yaml", ".yml", ".html"} or "catalog" in path.parts:
            continue
        for cited in set(CITED.findall(path.read_text(encoding="utf-8"))):
            if cited not in catalog.entries:
                unknown.setdefault(str(path.relative_to(SRC)), []).append(cited)
    assert unknown == {}
