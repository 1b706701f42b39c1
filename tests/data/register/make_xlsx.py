"""Regenerate the XLSX samples from the CSV ones (run from the repository root; the outputs are committed).

register_good.xlsx has real date cells (as Excel stores them); register_bad.xlsx has the CSV's bad rows plus
an unknown class.
"""

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def convert(source: str, target: str, extra: list[list] = ()) -> None:
    rows = list(csv.reader((HERE / source).open(encoding="utf-8-sig")))
    book = Workbook()
    sheet = book.active
    for row in rows + list(extra):
        cells = []
        for cell in row:
            try:
                cells.append(date.fromisoformat(cell) if isinstance(cell, str) and len(cell) == 10 else cell)
            except ValueError:
                cells.append(cell)
        sheet.append(cells)
    book.save(HERE / target)


if __name__ == "__main__":
    convert("register_good.csv", "register_good.xlsx")
    convert("register_bad.csv", "register_bad.xlsx", [["行情系統", "資訊部", "no", "2024-01-15", "4", "x"]])
