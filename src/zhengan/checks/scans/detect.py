"""Which importer reads a file: by content, never by trusting the file name alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zhengan.checks.scans import nessus, openvas, sarif, trivy, zap
from zhengan.checks.scans.model import ScanFormatError, ScanReport

READERS: dict[str, Callable[[Path], ScanReport]] = {
    "nessus": nessus.read,
    "openvas": openvas.read,
    "trivy": trivy.read,
    "sarif": sarif.read,
    "zap": zap.read,
}


def detect(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        if "<NessusClientData_v2" in head:
            return "nessus"
        if "<report" in head:
            return "openvas"
    elif head.startswith("{"):
        if '"SchemaVersion"' in head and '"ArtifactName"' in head:
            return "trivy"
        if '"runs"' in head or "sarif" in head.lower():
            return "sarif"
        if '"@programName"' in head or '"site"' in head:
            return "zap"
    raise ScanFormatError(
        f"{path}: 無法辨識掃描格式（支援 Nessus v2、OpenVAS XML、Trivy JSON、SARIF 2.1.0、ZAP JSON），"
        "請以 --format 指定 / cannot tell the scan format (Nessus v2, OpenVAS XML, Trivy JSON, SARIF 2.1.0, "
        "ZAP JSON are read); give --format"
    )


def read_scan(path: Path, format: str | None = None) -> ScanReport:
    name = format or detect(path)
    if name not in READERS:
        raise ScanFormatError(f"{path}: 不支援的格式 {name} / unsupported format {name}")
    return READERS[name](path)
