"""Evidence files stored by content hash: written once, verified on every read, kept for their retention.

The web layer keeps the metadata (owner, effective date, versions); this module keeps the bytes. A file's
name is its SHA-256, so a new version never overwrites an old one and the same bytes are stored once.
Retention comes from the controls the evidence serves: the longest `retention` among them (AP-8.4 five
years for assessment reports and their remediation documents; SR-4.1 and CC17010-2.3 three years for logs).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from zhengan.catalog.loader import Catalog
from zhengan.schedule import add_duration, parse_duration


class EvidenceError(ValueError):
    pass


class TamperedEvidence(EvidenceError):
    """The stored bytes no longer match their hash."""


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    path: Path
    created: bool  # False when the same bytes were already stored


class EvidenceStore:
    def __init__(self, root: Path | str, max_bytes: int = 200 * 1024 * 1024):
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise EvidenceError(f"not a SHA-256 hex digest / 非 SHA-256 雜湊值: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, stream: BinaryIO) -> Stored:
        """Store the stream's bytes; refuse files over the size limit without keeping anything."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(1 << 20):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise EvidenceError(
                            f"檔案超過上限 {self.max_bytes} 位元組 / file exceeds the {self.max_bytes}-byte limit"
                        )
                    digest.update(chunk)
                    out.write(chunk)
            sha256 = digest.hexdigest()
            target = self.path_of(sha256)
            if target.exists():
                return Stored(sha256, size, target, created=False)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(temporary, 0o440)
            os.link(temporary, target)  # fails rather than overwrite if another writer won the race
            return Stored(sha256, size, target, created=True)
        except FileExistsError:
            return Stored(sha256, size, self.path_of(sha256), created=False)
        finally:
            Path(temporary).unlink(missing_ok=True)

    def read(self, sha256: str) -> bytes:
        """The stored bytes, after checking them against their hash again."""
        path = self.path_of(sha256)
        if not path.exists():
            raise EvidenceError(f"找不到證據檔 / no evidence stored under {sha256}")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise TamperedEvidence(f"證據檔內容與雜湊不符 / stored evidence {sha256} does not match its hash")
        return data

    def delete(self, sha256: str, retention_until: date, today: date) -> None:
        """Remove the bytes, only once their retention has ended."""
        if today <= retention_until:
            raise EvidenceError(
                f"保存期限至 {retention_until.isoformat()}，不得刪除 / kept until {retention_until.isoformat()}; cannot delete"
            )
        self.path_of(sha256).unlink(missing_ok=True)


def retention_until(
    effective: date, control_ids: Iterable[str], catalog: Catalog, default: str = "P3Y"
) -> tuple[date, str]:
    """The date until which evidence serving `control_ids` must be kept, and the duration that decided it.

    The longest retention among the controls wins; controls without one fall back to `default` (three years,
    the log retention of SR-4.1), which a firm may lengthen.
    """
    durations = [r.duration for cid in control_ids for r in catalog.control(cid).retention] or [default]
    longest = max(durations, key=lambda d: parse_duration(d))
    return add_duration(effective, longest), longest
