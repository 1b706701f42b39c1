"""A system's device list (CSV, one device per row) for the AP-3.2 sample. Pure core: no Django.

The identifier column is the first header among IDENTIFIER_COLUMNS (hostname, asset id, 主機名稱, 資產編號 ...);
other columns are kept out of the sample. Errors name the file, the line and the column in both languages.
The SHA-256 is of the sorted identifiers (one per line, UTF-8): the draw (`zhengan.schedule.draw_sample`)
depends only on the set of devices, so the same devices in another order, another encoding or with other
columns changed have the same hash and give the same sample from the same seed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from zhengan.schedule import draw_sample
from zhengan.yamlutil import InputFileError

IDENTIFIER_COLUMNS = (
    "hostname",
    "host",
    "asset_id",
    "asset id",
    "asset",
    "device",
    "device_id",
    "name",
    "主機名稱",
    "資產編號",
    "財產編號",
    "設備名稱",
    "設備編號",
)
MAX_DEVICES = 1_000_000


@dataclass(frozen=True)
class DeviceList:
    filename: str
    column: str
    devices: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256("\n".join(sorted(self.devices)).encode("utf-8")).hexdigest()


def read_device_list(data: bytes, filename: str = "devices.csv") -> DeviceList:
    """Read the CSV; raise InputFileError (file, line, column) on a missing column, an empty or repeated id."""
    path = Path(filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, [(None, "", "不是 UTF-8 文字檔 / not UTF-8 text")]) from exc
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InputFileError(path, [(None, "", "檔案是空的 / the file is empty")])
    headers = [h.strip() for h in rows[0]]
    lowered = [h.lower() for h in headers]
    index = next((lowered.index(c) for c in IDENTIFIER_COLUMNS if c in lowered), None)
    if index is None:
        raise InputFileError(
            path,
            [
                (
                    1,
                    ",".join(headers),
                    "標題列須有設備識別欄（hostname、asset_id、主機名稱、資產編號…）/ the header needs a device "
                    "identifier column (hostname, asset_id, 主機名稱, 資產編號 ...)",
                )
            ],
        )
    column = headers[index]
    problems: list[tuple[int | None, str, str]] = []
    seen: dict[str, int] = {}
    devices: list[str] = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        value = cells[index].strip() if index < len(cells) else ""
        if not value:
            problems.append((line, column, "設備識別為空白 / the device identifier is empty"))
        elif value in seen:
            problems.append(
                (line, column, f"「{value}」與第 {seen[value]} 行重複 / {value!r} repeats line {seen[value]}")
            )
        else:
            seen[value] = line
            devices.append(value)
    if problems:
        raise InputFileError(path, problems)
    if not devices:
        raise InputFileError(path, [(None, column, "清單中沒有設備 / the list has no devices")])
    if len(devices) > MAX_DEVICES:
        raise InputFileError(path, [(None, column, "設備過多 / too many devices")])
    return DeviceList(filename, column, tuple(devices))


def new_seed() -> int:
    """A fresh seed from the operating system's randomness (recorded with the sample)."""
    return secrets.randbelow(2**63)


def sample(devices: DeviceList, size: int, seed: int) -> list[str]:
    """The reproducible sample: the same list, size and seed always give the same devices."""
    return draw_sample(list(devices.devices), size, seed)
