"""Windows Security events exported as JSON, in the shape `evtx_dump -o jsonl` and the `evtx` package
write (`{"Event": {"System": {...}, "EventData": {...}}}`): one object per line, or one JSON array.

The record number is the event's EventRecordID (else its line in the file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zhengan.checks.logins.readers import windows_events
from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.schema import EventBuilder
from zhengan.checks.result import InputError

FORMAT = "windows-json"


def read(path: Path, options: ReadOptions) -> ReadResult:
    text = path.read_text(encoding="utf-8-sig")
    if text.lstrip().startswith("["):
        try:
            items = [(index, json.dumps(item), item) for index, item in enumerate(json.loads(text), start=1)]
        except json.JSONDecodeError as exc:
            error = bad_record(
                str(path), exc.lineno, "JSON 陣列無法解讀", f"not a valid JSON array: {exc.msg}", None
            )
            return ReadResult(table=EventBuilder(str(path)).table(), errors=[error], records=1)
    else:
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    items.append((number, line, json.loads(line)))
                except json.JSONDecodeError:
                    items.append((number, line, None))
    return read_records(str(path), items, options)


def read_records(file: str, items: list[tuple[int, str, Any]], options: ReadOptions) -> ReadResult:
    """Normalise (position, raw text, parsed JSON) records; shared with the EVTX reader."""
    events = EventBuilder(file)
    errors: list[InputError] = []
    skipped = 0
    default_type = options.default_user_type or "staff"
    for position, raw, record in items:
        try:
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            event = record.get("Event", record)
            system = event["System"]
            event_id = int(_text(system["EventID"]))
            data = event.get("EventData") or {}
            if isinstance(data, dict) and isinstance(data.get("Data"), list):
                data = {item["#attributes"]["Name"]: item.get("#text") for item in data["Data"]}
            record_id = system.get("EventRecordID")
            number = int(record_id) if record_id is not None else position
            moment = windows_events.parse_system_time(system["TimeCreated"]["#attributes"]["SystemTime"])
            fields = windows_events.login_fields(event_id, _text(system.get("Computer")), data)
        except windows_events.NotALogin:
            skipped += 1
            continue
        except (KeyError, TypeError, ValueError) as exc:
            errors.append(windows_events.unreadable(file, position, exc, raw))
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
