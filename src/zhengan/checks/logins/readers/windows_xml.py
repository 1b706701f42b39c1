"""Windows Security events exported as XML (`wevtutil qe Security /f:xml`, Event Viewer "Save as XML",
or `Get-WinEvent | ForEach-Object { $_.ToXml() }`): `<Event>` elements, wrapped in `<Events>` or not.

The record number is the event's EventRecordID (else its position in the file).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from zhengan.checks.logins.readers import windows_events
from zhengan.checks.logins.readers.base import ReadOptions, ReadResult, bad_record
from zhengan.checks.logins.schema import EventBuilder

FORMAT = "windows-xml"
NS_URI = "http://schemas.microsoft.com/win/2004/08/events/event"
NS = "{" + NS_URI + "}"
ET.register_namespace("", NS_URI)  # quarantined records keep the plain <Event xmlns=...> form


def read(path: Path, options: ReadOptions) -> ReadResult:
    file = str(path)
    text = path.read_text(encoding="utf-8-sig")
    if not text.lstrip().startswith("<Events"):
        # wevtutil writes bare <Event> elements one after another: give them one root.
        text = (
            "<Events>" + text.split("?>", 1)[-1] + "</Events>"
            if text.lstrip().startswith("<?xml")
            else f"<Events>{text}</Events>"
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0]
        error = bad_record(
            file, line, f"第 {line} 行 XML 無法解讀：{exc}", f"line {line}: XML cannot be read: {exc}", None
        )
        return ReadResult(table=EventBuilder(file).table(), errors=[error], records=1)
    events = EventBuilder(file)
    errors = []
    skipped = 0
    default_type = options.default_user_type or "staff"
    elements = [element for element in root if element.tag.endswith("Event")]
    for position, element in enumerate(elements, start=1):
        raw = ET.tostring(element, encoding="unicode")
        try:
            system = _child(element, "System")
            event_id = int(_child(system, "EventID").text or "")
            record_id = system.findtext(f"{NS}EventRecordID") or system.findtext("EventRecordID")
            number = int(record_id) if record_id else position
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
            errors.append(windows_events.unreadable(file, position, exc, raw))
            continue
        events.add(
            line=number,
            timestamp=moment,
            service_name="windows",
            fallback_type=default_type,
            **windows_events.builder_fields(fields),
        )
    return ReadResult(table=events.table(), errors=errors, skipped=skipped, records=len(elements))


def _child(element: ET.Element, name: str) -> ET.Element:
    found = element.find(f"{NS}{name}")
    if found is None:
        found = element.find(name)
    if found is None:
        raise KeyError(name)
    return found
