"""Windows Security event logs in their native binary form (.evtx), read with the `evtx` package
(a Rust parser; no Windows needed). Records come out as the same JSON the JSON-export reader reads.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from evtx import PyEvtxParser

from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.readers.windows_json import read_records
from zhengan.checks.logins.schema import EventBuilder

FORMAT = "evtx"


def read(path: Path, options: ReadOptions) -> ReadResult:
    items = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parser = PyEvtxParser(str(path), skip_errors=True)
            for record in parser.records_json():
                number = int(record["event_record_id"])
                raw = record["data"]
                try:
                    items.append((number, raw, json.loads(raw)))
                except json.JSONDecodeError:
                    items.append((number, raw, None))
    except (RuntimeError, OSError) as exc:
        error = bad_record(
            str(path), None, f"EVTX 檔無法解讀：{exc}", f"EVTX file cannot be read: {exc}", None
        )
        return ReadResult(table=EventBuilder(str(path)).table(), errors=[error], records=0)
    result = read_records(str(path), items, options)
    missing = _truncation(path)
    if missing:  # the parser drops an incomplete chunk without a word: the loss is said here
        result.errors.append(
            bad_record(
                str(path), None, f"EVTX 檔不完整：{missing[0]}", f"EVTX file truncated: {missing[1]}", None
            )
        )
    for warning in caught:  # damaged chunks the parser skipped: kept as quarantine records
        result.errors.append(
            bad_record(
                str(path),
                None,
                f"EVTX 區塊損毀而略過：{warning.message}",
                f"damaged EVTX chunk skipped: {warning.message}",
                None,
            )
        )
    return result


HEADER_SIZE = 4096  # the file header block
CHUNK_SIZE = 65536  # each chunk of records


def _truncation(path: Path) -> tuple[str, str] | None:
    """What is missing when the file is shorter than its header's chunks (copied while Windows was still
    writing, or cut short in transfer), else None. The header (libyal's EVTX format notes) keeps the
    number of chunks at offset 0x2A as 16 bits, after the signature `ElfFile\\0`."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(0x2C)
    if len(header) < 0x2C or not header.startswith(b"ElfFile\x00"):
        return None  # not an EVTX header at all: the parser's own error says so
    chunks = int.from_bytes(header[0x2A:0x2C], "little")
    expected = HEADER_SIZE + chunks * CHUNK_SIZE
    if size >= expected and (size - HEADER_SIZE) % CHUNK_SIZE == 0:
        return None
    whole = max(0, (size - HEADER_SIZE) // CHUNK_SIZE)
    return (
        f"標頭記載 {chunks} 個區塊（{expected} 位元組），檔案僅 {size} 位元組，完整區塊 {whole} 個",
        f"the header declares {chunks} chunks ({expected} bytes) but the file holds {size} bytes, "
        f"{whole} whole chunks",
    )
