"""The 資通系統資通安全評估報告 (AP-8.1) in PDF, DOCX and XLSX, read back to check every required section."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from zhengan.reports.assessment_data import AssessmentReportData
from zhengan.reports.assessment_report import SECTIONS, build_html, write_docx, write_pdf, write_xlsx

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "reports" / "assessment_2026.json"


@pytest.fixture(scope="module")
def data() -> AssessmentReportData:
    return AssessmentReportData.model_validate(json.loads(SAMPLE.read_text(encoding="utf-8")))


def _required_text(data, lang):
    """What AP-8.1 requires, as it must appear in the report."""
    return [
        *(s.get(lang) for s in SECTIONS.values()),
        "CISM-2317754",  # assessor qualification with its certificate number
        "網路下單系統 e-Trade",  # scope and targets
        "AP-4.6.2",  # assessment item
        "外部防火牆允許 any 來源連線 3389/tcp",  # the assessment record
        "外部防火牆開放遠端桌面",  # a finding
        "移除規則 17",  # its specific recommendation
        "遠端桌面服務直接暴露於網際網路",  # its risk
        "420",  # drill: mails sent
        "2026-12-05",  # remediation deadline
    ]


def _squash(text: str) -> str:
    return "".join(text.split())


def test_pdf_contains_every_required_section(tmp_path, data):
    path = write_pdf(data, tmp_path / "report.pdf")
    text = _squash("".join(page.extract_text() for page in PdfReader(path).pages))
    for needle in _required_text(data, "zh"):
        assert _squash(needle) in text, needle
    assert _squash("嚴重") in text and _squash("管理面") in text  # chart labels and categories


def test_docx_contains_every_required_section_and_charts(tmp_path, data):
    path = write_docx(data, tmp_path / "report.docx")
    document = Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for needle in _required_text(data, "zh"):
        assert needle in text, needle
    assert len(document.inline_shapes) == 2  # findings by severity and by category


def test_xlsx_contains_every_required_section_and_charts(tmp_path, data):
    path = write_xlsx(data, tmp_path / "report.xlsx")
    workbook = load_workbook(path)
    cells = "\n".join(
        str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None
    )
    for needle in _required_text(data, "zh"):
        assert needle in cells, needle
    with zipfile.ZipFile(path) as archive:  # openpyxl does not read charts back; the parts are there
        assert len([n for n in archive.namelist() if n.startswith("xl/charts/chart")]) == 2


def test_english_on_request(data):
    page = build_html(data, "en")
    for section in SECTIONS.values():
        assert section.en in page
    assert "Social-engineering drill results" in page and "critical" in page


def test_the_report_without_a_drill_says_so(data):
    page = build_html(data.model_copy(update={"drill": None}), "zh")
    assert "本期未辦理社交工程演練" in page
