"""Windows Security events exported as XML (`wevtutil qe Security /f:xml`, Event Viewer "Save as XML",
or `Get-WinEvent | ForEach-Object { $_.ToXml() }`): `<Event>` elements, wrapped in `<Events>` or not.

The record number is the event's EventRecordID (else its position in the file). Each `<Event>` element
is parsed on its own, so one damaged event (cut short, a bad character) is quarantined with its raw text
and its EventRecordID when that can still be found, and the other events of the file are read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from zhengan.checks.logins.readers import windows_events
from zhengan.checks.logins.readers.base import (
    SURROGATE,
    ReadOptions,
    ReadResult,
    bad_record,
    exported_text,
    printable,
)
from zhengan.checks.logins.schema import EventBuilder

FORMAT = "windows-xml"
NS_URI = "http://schemas.microsoft.com/win/2004/08/events/event"
NS = "{" + NS_URI + "}"
ET.register_namespace("", NS_URI)  # quarantined records keep the plain <Event xmlns=...> form
EVENT_START = re.compile(r"<Event(?=[\s>/])")
EVENT_END = "</Event>"
RECORD_ID = re.compile(r"<EventRecordID>\s*(\d+)\s*</EventRecordID>")


def read(path: Path, options: ReadOptions) -> ReadResult:
    file = str(path)
    text = exported_text(path.read_bytes())
    events = EventBuilder(file)
    errors = []
    skipped = 0
    default_type = options.default_user_type or "staff"
    pieces = _events(text)
    if not pieces:
        return _no_events(file, text)
    for position, (piece, line) in enumerate(pieces, start=1):
        try:
            bad_byte = SURROGATE.search(piece)
            if bad_byte:
                where = line + piece.count("\n", 0, bad_byte.start())
                raise windows_events.Damaged(
                    f"不是 UTF-8 編碼（檔案第 {where} 行）", f"not UTF-8 (file line {where})"
                )
            element = ET.fromstring(piece)
        except (ET.ParseError, ValueError) as exc:
            if isinstance(exc, ET.ParseError):
                what = str(exc).split(":")[0]
                where = exc.position[0] + line - 1
                exc = windows_events.Damaged(
                    f"XML 無法解讀（{what}，檔案第 {where} 行）",
                    f"XML cannot be read ({what}, file line {where})",
                )
            found = RECORD_ID.search(piece)
            record_id = int(found[1]) if found else None
            errors.append(windows_events.unreadable(file, position, exc, printable(piece), record_id))
            continue
        raw = ET.tostring(element, encoding="unicode")
        record_id = None
        try:
            system = _child(element, "System")
            record_id = windows_events.record_id_of(
                system.findtext(f"{NS}EventRecordID") or system.findtext("EventRecordID")
            )
            event_id = int(_child(system, "EventID").text or "")
            number = record_id if record_id is not None else position
            moment = windows_events.parse_system_time(_child(system, "TimeCreated").attrib["SystemTime"])
            computer = system.findtext(f"{NS}Computer") or system.findtext("Computer")
            data_element = element.find(f"{NS}EventData")
            if data_element is None:
                data_element = element.find("EventData")
            data = {
                item.attrib.get("Name"): item.text
                for item in (data_element if data_element is not None else [])
            }
            fields = windows_events.login_fields(event_id, computer, data)
        except windows_events.NotALogin:
            skipped += 1
            continue
        except (KeyError, ValueError, AttributeError) as exc:
            errors.append(windows_events.unreadable(file, position, exc, raw, record_id))
            continue
        events.add(
            line=number,
            timestamp=moment,
            service_name="windows",
            fallback_type=default_type,
            **windows_events.builder_fields(fields),
        )
    return ReadResult(table=events.table(), errors=errors, skipped=skipped, records=len(pieces))


def _events(text: str) -> list[tuple[str, int]]:
    """Each `<Event>` element's text (from its start tag to the last `</Event>` before the next start tag,
    or to the next start tag when it was cut short) and the line it starts on."""
    starts = [match.start() for match in EVENT_START.finditer(text)]
    pieces = []
    line, previous = 1, 0
    for index, start in enumerate(starts):
        line += text.count("\n", previous, start)
        previous = start
        stop = starts[index + 1] if index + 1 < len(starts) else len(text)
        closing = text.rfind(EVENT_END, start, stop)
        piece = text[start : closing + len(EVENT_END)] if closing >= 0 else text[start:stop].rstrip()
        pieces.append((piece, line))
    return pieces


def _no_events(file: str, text: str) -> ReadResult:
    """A file without any `<Event>` element: an empty export reads as 0 records, anything else is quarantined."""
    body = text.split("?>", 1)[-1] if text.lstrip().startswith("<?xml") else text
    try:
        ET.fromstring(f"<Events>{body}</Events>" if not body.lstrip().startswith("<Events") else body)
        if not body.strip() or body.strip().startswith("<Events"):
            return ReadResult(table=EventBuilder(file).table(), records=0)
        problem = "no <Event> element"
    except ET.ParseError as exc:
        problem = str(exc)
    error = bad_record(
        file,
        None,
        f"XML 無法解讀，檔中沒有 Windows <Event> 元素：{problem}",
        f"XML cannot be read, no Windows <Event> element in the file: {problem}",
        printable(text[:2000]) or None,
    )
    return ReadResult(table=EventBuilder(file).table(), errors=[error], records=1)


def _child(element: ET.Element, name: str) -> ET.Element:
    found = element.find(f"{NS}{name}")
    if found is None:
        found = element.find(name)
    if found is None:
        raise KeyError(name)
    return found
