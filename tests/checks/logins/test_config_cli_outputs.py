"""The firm's configuration, the command line and the output files: mistakes are refused with the file
and the field named, and what outsiders write into logs cannot act on the reader of the outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from zhengan.cli import app
from zhengan.spreadsheet_safety import csv_text, no_formulas


def _analyse(*arguments: str):
    return CliRunner().invoke(app, ["logins", "analyse", *arguments])


def test_account_names_cannot_become_spreadsheet_formulas(data_dir: Path, tmp_path: Path):
    # An internet scanner chooses the account name of an sshd attempt; the CSVs are opened in Excel.
    out = tmp_path / "out"
    result = _analyse(str(data_dir / "sshd" / "formula-names.log"), "--year", "2026", "--out", str(out))
    assert result.exit_code in (0, 1), result.output
    with (out / "alerts.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    subjects = {
        row["detection"]: row["subject"] for row in rows if row["detection"] == "logins.failed_passwords"
    }
    assert subjects == {"logins.failed_passwords": '\'=HYPERLINK("http://evil.example/x","click")'}
    assert {row["user_names"] for row in rows} >= {"'@SUM(1+1)"}
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values()), row
    # The JSON lines keep the name exactly as logged: they are evidence, not a spreadsheet.
    alerts = [json.loads(line) for line in (out / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert '=HYPERLINK("http://evil.example/x","click")' in {a["subject"] for a in alerts}


def test_xlsx_cells_from_data_are_text_never_formulas(tmp_path: Path):
    workbook = Workbook()
    workbook.active.append(['=HYPERLINK("http://evil.example","x")', "-5", -5, "plain"])
    no_formulas(workbook)
    workbook.save(tmp_path / "record.xlsx")
    cells = list(load_workbook(tmp_path / "record.xlsx").active[1])
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("http://evil.example","x")', "s"),
        ("-5", "s"),
        (-5, "n"),
        ("plain", "s"),
    ]
    assert [csv_text(v) for v in ("=1+1", "+1", "-x", "@x", "\tx", "ok", 5)] == [
        "'=1+1", "'+1", "'-x", "'@x", "'\tx", "ok", 5,
    ]  # fmt: skip
