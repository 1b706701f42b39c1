"""Decoding exported text files as the systems write them (UTF-16 with BOM on Windows, UTF-8 elsewhere)."""

from __future__ import annotations

import codecs
from pathlib import Path

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.result import SourceRef
from zhengan.text import Text


def read_text(path: Path) -> str:
    """The file's text: honours a UTF-16 or UTF-8 byte-order mark; otherwise UTF-8 (Big5 is refused clearly)."""
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif len(data) >= 2 and data[1] == 0 and data[0] != 0:
        encoding = "utf-16-le"  # UTF-16 LE without a BOM (PowerShell Out-File on some versions)
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReadError(
            SourceRef(file=str(path), line=line),
            Text(
                zh=f"無法以 {encoding} 解碼（位元組 {exc.start}）；請以 UTF-8 或 UTF-16 匯出",
                en=f"cannot decode as {encoding} (byte {exc.start}); export as UTF-8 or UTF-16",
            ),
        ) from exc
