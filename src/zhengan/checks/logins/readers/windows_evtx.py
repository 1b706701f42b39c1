"""Windows Security event logs in their native binary form (.evtx), read with the `evtx` package
(a Rust parser; no Windows needed). Records come out as the same JSON the JSON-export reader reads.

The parser silently drops a chunk that is cut short, so the file is checked against its own header (the
layout in libyal's EVTX notes; `tests/checks/logins/evtx_writer.py` writes it): a 4096-byte file header,
then 64 KiB chunks. A file shorter than the chunks its header declares, a partial last chunk, or records
read only up to an EventRecordID below the header's next record id minus one give a quarantine record
naming the file and what is missing; the records that were read are kept. (Windows updates the header
lazily while the log is open, so a header declaring *fewer* chunks or records than found is not an error.)
"""

from __future__ import annotations

import json
import struct
import warnings
from pathlib import Path

from evtx import PyEvtxParser

from zhengan.checks.logins.readers import windows_events
from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.readers.windows_json import read_records
from zhengan.checks.logins.schema import EventBuilder

FORMAT = "evtx"
FILE_HEADER = 4096  # bytes before the first chunk
CHUNK = 65536


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
                except json.JSONDecodeError as exc:
                    damaged = windows_events.Damaged(
                        f"JSON 無法解讀：{exc.msg}", f"not valid JSON: {exc.msg}"
                    )
                    items.append((number, raw, damaged))
    except (RuntimeError, OSError) as exc:
        error = bad_record(
            str(path), None, f"EVTX 檔無法解讀：{exc}", f"EVTX file cannot be read: {exc}", None
        )
        return ReadResult(table=EventBuilder(str(path)).table(), errors=[error], records=0)
    result = read_records(str(path), items, options, kind="EventRecordID")
    result.errors.extend(_truncation(path, max((number for number, _, _ in items), default=None)))
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


def _truncation(path: Path, last_read: int | None) -> list:
    """Quarantine records for what the file's header declares and the file does not hold."""
    with path.open("rb") as handle:
        header = handle.read(128)
    size = path.stat().st_size
    if len(header) < 44 or not header.startswith(b"ElfFile\x00"):
        return []  # not an EVTX header: the parser has said so
    last_chunk, next_record = struct.unpack_from("<QQ", header, 16)
    (chunks,) = struct.unpack_from("<H", header, 42)
    declared = max(chunks, last_chunk + 1 if chunks else 0)
    held = max(size - FILE_HEADER, 0)
    problems = []
    if size < FILE_HEADER + declared * CHUNK:
        problems.append(
            (
                f"檔頭宣告 {declared} 個區塊（{FILE_HEADER + declared * CHUNK:,} 位元組），檔案只有 {size:,} 位元組",
                f"the header declares {declared} chunk(s) ({FILE_HEADER + declared * CHUNK:,} bytes), "
                f"the file holds {size:,} bytes",
            )
        )
    elif held % CHUNK:
        problems.append(
            (
                f"最後一個區塊（第 {held // CHUNK + 1} 個，自位移 {FILE_HEADER + held // CHUNK * CHUNK:,} 起）不完整",
                f"the last chunk (number {held // CHUNK + 1}, at offset {FILE_HEADER + held // CHUNK * CHUNK:,}) "
                "is cut short",
            )
        )
    if next_record > 1 and (last_read is None or last_read < next_record - 1):
        read_zh = f"只讀到 EventRecordID {last_read}" if last_read is not None else "未讀到任何紀錄"
        read_en = (
            f"records read up to EventRecordID {last_read}" if last_read is not None else "no record read"
        )
        problems.append(
            (
                f"檔頭之下一筆紀錄編號為 {next_record}，{read_zh}",
                f"the header's next record id is {next_record}, {read_en}",
            )
        )
    if not problems:
        return []
    return [
        bad_record(
            str(path),
            None,
            "EVTX 檔不完整（截斷）：" + "；".join(zh for zh, _ in problems) + "。已讀取之紀錄保留",
            "EVTX file truncated: " + "; ".join(en for _, en in problems) + ". The records read are kept",
            None,
        )
    ]
