"""The endoflife.date snapshot: the packaged one, or a newer one the firm loaded with `eol-update`.

Shape (endoflife.date's API): {"snapshot_date", "source", "products": [{"name", "label", "aliases",
"identifiers": [{"type": "purl"|"cpe", "id"}], "cycles": [{"cycle", "releaseDate", "eol" (date or bool),
"latest", "lts", "support"}]}]}. The packaged data is MIT licensed; see data/NOTICE.txt.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PACKAGED = "snapshot.json"


class Identifier(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    id: str


class Cycle(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    cycle: str
    release_date: date | None = Field(default=None, alias="releaseDate")
    eol: date | bool
    latest: str | None = None
    lts: bool | date = False
    support: date | bool | None = None

    def eol_date(self) -> date | None:
        return self.eol if isinstance(self.eol, date) else None


class Product(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    label: str | None = None
    aliases: list[str] = Field(default_factory=list)
    identifiers: list[Identifier] = Field(default_factory=list)
    cycles: list[Cycle] = Field(min_length=1)


class Snapshot(BaseModel):
    model_config = ConfigDict(extra="allow")

    snapshot_date: date
    source: str = "https://endoflife.date"
    products: list[Product] = Field(min_length=1)


class SnapshotError(ValueError):
    """A snapshot file that cannot be used."""


def user_snapshot_path() -> Path:
    """Where `eol-update` keeps a newer snapshot: $ZHENGAN_DATA_DIR or ~/.local/share/zhengan."""
    base = os.environ.get("ZHENGAN_DATA_DIR") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "zhengan"
    )
    return Path(base) / "eol" / "snapshot.json"


def read_snapshot(path: Path) -> Snapshot:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SnapshotError(f"{path}:{error.lineno}: JSON 格式錯誤 / malformed JSON: {error.msg}") from error
    try:
        return Snapshot.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SnapshotError(
            f"{path}: 快照欄位 {where} 錯誤：{first['msg']} / bad snapshot field {where}: {first['msg']}"
        ) from error


def packaged_snapshot() -> Snapshot:
    with resources.as_file(resources.files("zhengan.checks.eol") / "data" / PACKAGED) as path:
        return read_snapshot(path)


def load_snapshot(path: Path | None = None) -> Snapshot:
    """The given file; else the newer of the loaded and the packaged snapshot."""
    if path is not None:
        return read_snapshot(path)
    packaged = packaged_snapshot()
    loaded_path = user_snapshot_path()
    if loaded_path.exists():
        loaded = read_snapshot(loaded_path)
        if loaded.snapshot_date >= packaged.snapshot_date:
            return loaded
    return packaged


def install_snapshot(source: Path, target: Path | None = None) -> tuple[Snapshot, Path]:
    """Validate `source` and copy it into place atomically; an invalid or older file changes nothing."""
    snapshot = read_snapshot(source)
    current = load_snapshot()
    if snapshot.snapshot_date < current.snapshot_date:
        raise SnapshotError(
            f"{source}: 快照日期 {snapshot.snapshot_date} 早於目前的 {current.snapshot_date} / "
            f"snapshot dated {snapshot.snapshot_date} is older than the current {current.snapshot_date}"
        )
    target = target or user_snapshot_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".snapshot.", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return snapshot, target
