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
