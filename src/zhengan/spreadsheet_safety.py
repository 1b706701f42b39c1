"""Cells that a spreadsheet would run as formulas (CSV / formula injection, OWASP).

Logs and exports carry text chosen by outsiders: an internet scanner picks the account name of an sshd
attempt, so `=HYPERLINK("http://evil.example", "click")` can reach an alerts CSV that a compliance officer
opens in Excel. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is written to CSV with a
leading apostrophe (Excel and LibreOffice then show it as text; the apostrophe is visible in a text
editor), and XLSX cells that openpyxl would store as formulas are stored as text instead (shown exactly as
written). Numbers are never touched: only text is.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """`value` as a CSV cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_text(value) for value in values]


def no_formulas(workbook) -> None:
    """Store every cell openpyxl took for a formula (text starting with `=`) as text. No writer of this
    project writes a formula on purpose, so every such cell came from data."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
