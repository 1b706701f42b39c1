from __future__ import annotations

import io
from datetime import date

import pytest

from zhengan.evidence_store import EvidenceError, EvidenceStore, TamperedEvidence, retention_until


def test_store_by_hash_verify_and_never_overwrite(tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    first = store.put(io.BytesIO("防火牆規則檢視紀錄 v1".encode()))
    again = store.put(io.BytesIO("防火牆規則檢視紀錄 v1".encode()))
    second = store.put(io.BytesIO("防火牆規則檢視紀錄 v2".encode()))
    assert first.created and not again.created and first.sha256 == again.sha256
    assert second.sha256 != first.sha256
    assert store.read(first.sha256).decode() == "防火牆規則檢視紀錄 v1"
    assert store.read(second.sha256).decode() == "防火牆規則檢視紀錄 v2"


def test_tampering_is_detected_on_read(tmp_path):
    store = EvidenceStore(tmp_path)
    stored = store.put(io.BytesIO(b"scan report"))
    stored.path.chmod(0o640)
    stored.path.write_bytes(b"scan report (edited)")
    with pytest.raises(TamperedEvidence):
        store.read(stored.sha256)


def test_oversized_files_are_refused_and_leave_nothing(tmp_path):
    store = EvidenceStore(tmp_path, max_bytes=10)
    with pytest.raises(EvidenceError):
        store.put(io.BytesIO(b"x" * 11))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_nothing_is_deleted_before_its_retention_ends(tmp_path):
    store = EvidenceStore(tmp_path)
    stored = store.put(io.BytesIO(b"report"))
    with pytest.raises(EvidenceError):
        store.delete(stored.sha256, retention_until=date(2031, 11, 20), today=date(2031, 11, 20))
    store.delete(stored.sha256, retention_until=date(2031, 11, 20), today=date(2031, 11, 21))
    assert not stored.path.exists()


def test_retention_follows_the_longest_control(catalog):
    assert retention_until(date(2026, 11, 20), ["AP-8.4"], catalog) == (date(2031, 11, 20), "P5Y")
    assert retention_until(date(2026, 11, 20), ["SR-4.1", "AP-8.4"], catalog)[1] == "P5Y"
    assert retention_until(date(2026, 11, 20), ["SR-4.1"], catalog) == (date(2029, 11, 20), "P3Y")
    assert retention_until(date(2026, 1, 1), ["FC-7.1.b.c"], catalog, default="P2M") == (
        date(2026, 3, 1),
        "P2M",
    )
