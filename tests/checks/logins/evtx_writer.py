"""Write Windows events (XML elements) into a binary .evtx file, for testing the EVTX reader.

No genuine .evtx file could be brought onto this machine (docs/logins.md), so the tests write one from the
XML sample: the file header, one chunk with its string and template tables, and one record per event in
Binary XML, with the CRC32 checksums Windows writes. The real parser (the `evtx` package, a Rust library)
then reads it back, so the EVTX reader is exercised on the binary format end to end.

The layout follows the published format notes (libyal's "Windows XML Event Log (EVTX)" and the `evtx`
crate): names are written inline at their first use, values as text tokens, and TimeCreated/@SystemTime
as a FILETIME value, as Windows stores it. By default each record is written as Windows writes it: a
TemplateInstance whose template (the element tree with substitution tokens) is defined inline, followed by
the substitution values; `templates=False` writes plain element trees with the values in place. Windows
also shares one template between records of the same event id; the writer does not, which the format allows.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
import zlib
from datetime import UTC, datetime
from pathlib import Path

FILE_HEADER_SIZE = 4096
CHUNK_SIZE = 65536
CHUNK_HEADER_SIZE = 512
EPOCH_AS_FILETIME = 116444736000000000  # 1970-01-01 in 100-ns intervals since 1601-01-01

# Binary XML tokens
END_OF_STREAM = 0x00
OPEN_START_ELEMENT = 0x01  # | 0x40 when the element has attributes
CLOSE_START_ELEMENT = 0x02
CLOSE_EMPTY_ELEMENT = 0x03
END_ELEMENT = 0x04
VALUE = 0x05
ATTRIBUTE = 0x06  # | 0x40 when another attribute follows
TEMPLATE_INSTANCE = 0x0C
NORMAL_SUBSTITUTION = 0x0D
FRAGMENT_HEADER = 0x0F
HAS_MORE = 0x40
STRING_TYPE = 0x01
FILETIME_TYPE = 0x11


def filetime(text: str) -> int:
    """'2026-11-20T00:58:31.2204117Z' -> 100-ns intervals since 1601 (seven decimals kept)."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    moment = datetime.fromisoformat(whole).replace(tzinfo=UTC)
    ticks = int((fraction + "0000000")[:7])
    return EPOCH_AS_FILETIME + int(moment.timestamp()) * 10_000_000 + ticks


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Chunk:
    """Binary XML of one chunk; offsets are from the chunk's start, as names refer to them."""

    def __init__(self) -> None:
        self.data = bytearray(CHUNK_HEADER_SIZE)

    def _name(self, name: str) -> bytes:
        """A name reference followed by the name itself (defined inline, where it is first used)."""
        offset = len(self.data) + 4
        text = name.encode("utf-16-le")
        return struct.pack("<IIHH", offset, 0, _name_hash(name), len(name)) + text + b"\x00\x00"

    def _emit(self, payload: bytes) -> None:
        self.data += payload

    def _value(self, text: str, as_filetime: bool, values: list[tuple[int, bytes]] | None) -> None:
        """A value token in place, or (inside a template) a substitution token and the value kept aside."""
        kind, payload = (
            (FILETIME_TYPE, struct.pack("<Q", filetime(text)))
            if as_filetime
            else (STRING_TYPE, text.encode("utf-16-le"))
        )
        if values is None:
            prefix = b"" if as_filetime else struct.pack("<H", len(text))
            self._emit(struct.pack("<BB", VALUE, kind) + prefix + payload)
        else:
            self._emit(struct.pack("<BHB", NORMAL_SUBSTITUTION, len(values), kind))
            values.append((kind, payload))

    def _element(self, element: ET.Element, values: list[tuple[int, bytes]] | None) -> None:
        attributes = list(element.attrib.items())
        token = bytes([OPEN_START_ELEMENT | (HAS_MORE if attributes else 0)])
        # Inside templates an element carries a dependency identifier; in a plain record it does not.
        self._emit(token if values is None else token + b"\xff\xff")
        size_at = len(self.data)
        self._emit(b"\x00\x00\x00\x00")  # the element's size, filled in below
        self._emit(self._name(_local(element.tag)))
        if attributes:
            list_at = len(self.data)
            self._emit(b"\x00\x00\x00\x00")  # the attribute list's size
            for index, (key, value) in enumerate(attributes):
                more = HAS_MORE if index < len(attributes) - 1 else 0
                self._emit(bytes([ATTRIBUTE | more]))
                self._emit(self._name(_local(key)))
                filetime_value = (_local(element.tag), key) == ("TimeCreated", "SystemTime")
                self._value(value, filetime_value, values)
            struct.pack_into("<I", self.data, list_at, len(self.data) - list_at - 4)
        children = list(element)
        if not children and not element.text:
            self._emit(bytes([CLOSE_EMPTY_ELEMENT]))
        else:
            self._emit(bytes([CLOSE_START_ELEMENT]))
            if element.text:
                self._value(element.text, False, values)
            for child in children:
                self._element(child, values)
            self._emit(bytes([END_ELEMENT]))
        struct.pack_into("<I", self.data, size_at, len(self.data) - size_at - 4)

    def _template_instance(self, number: int, event: ET.Element) -> None:
        """As Windows writes: the element tree once as a template (defined inline here), then the values."""
        definition_at = len(self.data) + 10  # after the token, a reserved byte, the id and this offset
        self._emit(struct.pack("<BBII", TEMPLATE_INSTANCE, 1, number, definition_at))
        header_at = len(self.data)
        self._emit(struct.pack("<I16sI", 0, number.to_bytes(16, "little"), 0))
        fragment_at = len(self.data)
        values: list[tuple[int, bytes]] = []
        self._emit(struct.pack("<BBBB", FRAGMENT_HEADER, 1, 1, 0))
        self._element(event, values)
        self._emit(bytes([END_OF_STREAM]))
        struct.pack_into("<I", self.data, header_at + 20, len(self.data) - fragment_at)
        self._emit(struct.pack("<I", len(values)))
        for kind, payload in values:
            self._emit(struct.pack("<HBB", len(payload), kind, 0))
        for _, payload in values:
            self._emit(payload)

    def record(self, number: int, event: ET.Element, templates: bool) -> int:
        """Append one event record; returns its offset."""
        at = len(self.data)
        created = event.find(".//{*}TimeCreated")
        stamp = filetime(created.attrib["SystemTime"]) if created is not None else 0
        self._emit(struct.pack("<4sIQQ", b"\x2a\x2a\x00\x00", 0, number, stamp))
        self._emit(struct.pack("<BBBB", FRAGMENT_HEADER, 1, 1, 0))
        if templates:
            self._template_instance(number, event)
        else:
            self._element(event, None)
        self._emit(bytes([END_OF_STREAM]))
        size = len(self.data) - at + 4
        self._emit(struct.pack("<I", size))
        struct.pack_into("<I", self.data, at + 4, size)
        if len(self.data) > CHUNK_SIZE:
            raise ValueError("the events do not fit in one 64 KiB chunk")
        return at


def _name_hash(name: str) -> int:
    value = 0
    for char in name:
        value = (value * 65599 + ord(char)) & 0xFFFFFFFF
    return value & 0xFFFF


def write_evtx(events: list[ET.Element], path: Path, first_record: int = 1, templates: bool = True) -> None:
    """One chunk holding the events as records first_record, first_record + 1, ...

    With templates (as Windows writes) each record defines its element tree as a template and carries its
    values as substitutions; without, each record is a plain element tree with its values in place.
    """
    chunk = _Chunk()
    offsets = [chunk.record(first_record + index, event, templates) for index, event in enumerate(events)]
    last = first_record + len(events) - 1
    free_space = len(chunk.data)
    data = chunk.data + bytes(CHUNK_SIZE - len(chunk.data))
    struct.pack_into(
        "<8sQQQQIII",
        data,
        0,
        b"ElfChnk\x00",
        first_record,
        last,
        first_record,
        last,
        128,
        offsets[-1],
        free_space,
    )
    struct.pack_into("<I", data, 52, zlib.crc32(data[CHUNK_HEADER_SIZE:free_space]))
    struct.pack_into("<I", data, 124, zlib.crc32(data[:120] + data[128:CHUNK_HEADER_SIZE]))
    header = bytearray(FILE_HEADER_SIZE)
    struct.pack_into("<8sQQQIHHHH", header, 0, b"ElfFile\x00", 0, 0, last + 1, 128, 1, 3, FILE_HEADER_SIZE, 1)
    struct.pack_into("<I", header, 124, zlib.crc32(header[:120]))
    path.write_bytes(bytes(header) + bytes(data))
