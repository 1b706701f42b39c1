"""Vulnerability-scan import (Nessus, OpenVAS, Trivy, SARIF, ZAP), remediation deadlines and scan coverage
(SR-7.7, SR-7.8, SR-9.1, FC-9.10, AP-4.3.1, AP-8.2)."""

from zhengan.checks.scans.check import import_scans
from zhengan.checks.scans.coverage import check_coverage
from zhengan.checks.scans.detect import read_scan
from zhengan.checks.scans.model import ScanFinding, ScanFormatError, ScanReport
from zhengan.checks.scans.state import ScanState, load_state, merge, save_state

__all__ = [
    "ScanFinding",
    "ScanFormatError",
    "ScanReport",
    "ScanState",
    "check_coverage",
    "import_scans",
    "load_state",
    "merge",
    "read_scan",
    "save_state",
]
