"""Cell values as exports write them: booleans, dates and times in the formats Windows and LDAP use."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.readers.text_files import read_text
from zhengan.checks.result import SourceRef
from zhengan.text import Text
from zhengan.timeutil import TAIPEI

TRUE_WORDS = {"true", "yes", "y", "1", "enabled", "是", "啟用", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "disabled", "否", "停用", "f"}
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
FILETIME_NEVER = {0, 9223372036854775807}


class CellError(ValueError):
    """A value that cannot be read; the caller turns it into a quarantined record naming the field."""

    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(message.both())


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str], str]]]:
    """Header and rows (line number, cells by header, raw line); UTF-8 (with or without BOM), UTF-16, or Big5."""
    try:
        text = read_text(path)
    except ReadError:
        try:
            text = path.read_bytes().decode("cp950")  # a zh-TW Excel "CSV" is saved in Big5
        except UnicodeDecodeError as exc:
            raise ReadError(
                SourceRef(file=str(path)),
                Text(
                    zh="無法辨識檔案編碼（UTF-8、UTF-16 或 Big5）",
                    en="unknown encoding (not UTF-8, UTF-16 or Big5)",
                ),
            ) from exc
    lines = text.splitlines()
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise ReadError(
            SourceRef(file=str(path), line=1), Text(zh="檔案是空的", en="the file is empty")
        ) from exc
    rows = []
    previous = reader.line_num
    for cells in reader:
        start = previous + 1
        previous = reader.line_num
        raw = "\n".join(lines[start - 1 : reader.line_num])
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            rows.append((start, {"__width__": str(len(cells))}, raw))
            continue
        rows.append((start, dict(zip(header, (c.strip() for c in cells), strict=True)), raw))
    return header, rows


def parse_bool(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(Text(zh=f"無法判讀是否：{value!r}", en=f"not a yes/no value: {value!r}"))


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M",
                     "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S")  # fmt: skip
_ZH_TW = re.compile(
    r"^(?P<d>\d{4}/\d{1,2}/\d{1,2}) (?P<ampm>上午|下午) (?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})$"
)
_GENERALIZED = re.compile(r"^(\d{14})(?:\.\d+)?Z$")


def parse_datetime(value: str) -> datetime | None:
    """A moment in UTC. Naive values are Taipei time (what a local export shows); empty means none.

    Accepts ISO 8601, `yyyy/M/d H:mm:ss`, Windows zh-TW `yyyy/M/d 上午 hh:mm:ss`, en-US `M/d/yyyy h:mm:ss AM`,
    and LDAP GeneralizedTime `20260512013000Z`.
    """
    text = value.strip()
    if not text:
        return None
    if match := _GENERALIZED.match(text):
        return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    if match := _ZH_TW.match(text):
        hour = int(match["h"]) % 12 + (12 if match["ampm"] == "下午" else 0)
        base = datetime.strptime(match["d"], "%Y/%m/%d")
        moment = base.replace(hour=hour, minute=int(match["m"]), second=int(match["s"]))
        return moment.replace(tzinfo=TAIPEI).astimezone(UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
        for fmt in _DATETIME_FORMATS + _DATE_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        raise CellError(Text(zh=f"無法判讀日期時間：{value!r}", en=f"not a date or time: {value!r}"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TAIPEI)
    return moment.astimezone(UTC)


def parse_date(value: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    moment = parse_datetime(text)
    return None if moment is None else moment.astimezone(TAIPEI).date()


def parse_filetime(value: str) -> datetime | None:
    """A Windows FILETIME (100-ns ticks since 1601, UTC) as AD exports lastLogonTimestamp and accountExpires."""
    text = value.strip()
    if not text:
        return None
    try:
        ticks = int(text)
    except ValueError:
        return parse_datetime(text)  # some exports already render it as a date
    if ticks in FILETIME_NEVER:
        return None
    return FILETIME_EPOCH + timedelta(microseconds=ticks // 10)


def parse_shadow_days(value: str) -> datetime | None:
    """shadowExpire / shadowLastChange: days since 1970-01-01; -1 or empty = none."""
    text = value.strip()
    if not text or text == "-1":
        return None
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=int(text))
    except ValueError as exc:
        raise CellError(
            Text(zh=f"應為 1970 年起之日數：{value!r}", en=f"must be days since 1970: {value!r}")
        ) from exc


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;|]", value) if part.strip()]
