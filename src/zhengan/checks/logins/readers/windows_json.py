"""Windows Security events exported as JSON, in the shape `evtx_dump -o jsonl` and the `evtx` package
write (`{"Event": {"System": {...}, "EventData": {...}}}`): one object per line, or one JSON array.

The record number is the event's EventRecordID (else its line in the file, or its position in the array).
Each record is decoded on its own: in the array form a damaged element (a bad character, cut short) is
quarantined with its raw text and its EventRecordID when that can still be found, and reading goes on at
the next element that starts like an event (`{"Event": ...`). Bytes that are not UTF-8 make their record
quarantined ("not UTF-8"), not the whole file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from zhengan.checks.logins.readers import windows_events
from zhengan.checks.logins.readers.base import SURROGATE, ReadOptions, ReadResult, exported_text, printable
from zhengan.checks.logins.schema import EventBuilder
from zhengan.checks.result import InputError

FORMAT = "windows-json"
NEXT_ELEMENT = re.compile(r',\s*(?=\{\s*"(?:Event|System)"\s*:)')  # where the next event of an array starts
RECORD_ID = re.compile(r'"EventRecordID"\s*:\s*"?(\d+)')
WHITESPACE = re.compile(r"\s*")


def read(path: Path, options: ReadOptions) -> ReadResult:
    text = exported_text(path.read_bytes())
    if text.lstrip().startswith("["):
        return read_records(str(path), _array_items(text), options, kind="record")
    items: list[tuple[int, str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            items.append((number, printable(line), _decode(line)))
    return read_records(str(path), items, options, kind="line")


def _decode(raw: str) -> Any:
    """One record's JSON, or `Damaged` saying why it cannot be read."""
    if SURROGATE.search(raw):
        return windows_events.Damaged("不是 UTF-8 編碼", "not UTF-8")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        return windows_events.Damaged(f"JSON 無法解讀：{exc.msg}", f"not valid JSON: {exc.msg}")


def _array_items(text: str) -> list[tuple[int, str, Any]]:
    """(position, raw text, JSON or Damaged) of every element of a JSON array, one at a time."""
    decoder = json.JSONDecoder()
    items: list[tuple[int, str, Any]] = []
    at, end = text.index("[") + 1, len(text)
    while True:
        at = WHITESPACE.match(text, at).end()
        if at >= end or text[at] == "]":
            break  # the end of the array (or of a file cut short)
        if text[at] == ",":
            at += 1
            continue
        position = len(items) + 1
        try:
            item, stop = decoder.raw_decode(text, at)
            raw = text[at:stop]
            items.append((position, printable(raw), _decode(raw) if SURROGATE.search(raw) else item))
            at = stop
        except json.JSONDecodeError as exc:
            following = NEXT_ELEMENT.search(text, at + 1)
            stop = following.start() if following else end
            raw = text[at:stop].rstrip()
            if following is None and raw.endswith("]"):
                raw = raw[:-1].rstrip()
            damaged = windows_events.Damaged(f"JSON 無法解讀：{exc.msg}", f"not valid JSON: {exc.msg}")
            items.append((position, printable(raw), _decode(raw) if SURROGATE.search(raw) else damaged))
            at = following.end() if following else end
    return items


def read_records(
    file: str, items: list[tuple[int, str, Any]], options: ReadOptions, kind: str = "record"
) -> ReadResult:
    """Normalise (position, raw text, parsed JSON or `Damaged`) records; shared with the EVTX reader.

    `kind` says what the position is: "line", "record" (position in the file) or "EventRecordID" (EVTX:
    the record header's own number). A quarantined record is numbered by its EventRecordID when readable.
    """
    events = EventBuilder(file)
    errors: list[InputError] = []
    skipped = 0
    default_type = options.default_user_type or "staff"
    for position, raw, record in items:
        record_id = position if kind == "EventRecordID" else None
        try:
            if isinstance(record, windows_events.Damaged):
                found = RECORD_ID.search(raw or "")
                record_id = int(found[1]) if found else record_id
                raise record
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            event = record.get("Event", record)
            system = event["System"]
            event_id = int(_text(system["EventID"]))
            data = event.get("EventData") or {}
            if isinstance(data, dict) and isinstance(data.get("Data"), list):
                data = {item["#attributes"]["Name"]: item.get("#text") for item in data["Data"]}
            record_id = windows_events.record_id_of(system.get("EventRecordID")) or record_id
            number = record_id if record_id is not None else position
            moment = windows_events.parse_system_time(system["TimeCreated"]["#attributes"]["SystemTime"])
            fields = windows_events.login_fields(event_id, _text(system.get("Computer")), data)
        except windows_events.NotALogin:
            skipped += 1
            continue
        except (KeyError, TypeError, ValueError) as exc:
            if record_id is None and isinstance(record, dict):
                found = RECORD_ID.search(raw or "")
                record_id = int(found[1]) if found else None
            errors.append(
                windows_events.unreadable(
                    file, position, exc, raw, record_id, "line" if kind == "line" else "record"
                )
            )
            continue
        events.add(
            line=number,
            timestamp=moment,
            service_name="windows",
            fallback_type=default_type,
            **windows_events.builder_fields(fields),
        )
    return ReadResult(table=events.table(), errors=errors, skipped=skipped, records=len(items))


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("#text")
    return str(value)
