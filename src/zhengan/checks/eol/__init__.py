"""End-of-life software against a dated endoflife.date snapshot (CC17010-1.10)."""

from zhengan.checks.eol.check import check_eol
from zhengan.checks.eol.snapshot import Snapshot, SnapshotError, install_snapshot, load_snapshot

__all__ = ["Snapshot", "SnapshotError", "check_eol", "install_snapshot", "load_snapshot"]
