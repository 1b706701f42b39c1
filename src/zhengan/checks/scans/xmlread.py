"""Parse a scanner's XML file, refusing it with the file and line named when it is not well-formed.

The standard library's expat (2.4.1+) limits entity expansion and never fetches external entities.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from zhengan.checks.scans.model import ScanFormatError


def parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as error:
        line, column = error.position
        raise ScanFormatError(f"{path}:{line}:{column}: XML 格式錯誤 / malformed XML: {error}") from error


def text(element: ET.Element | None, path: str, default: str = "") -> str:
    if element is None:
        return default
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else default
