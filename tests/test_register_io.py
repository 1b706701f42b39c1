"""The register file format (004 section 3): rows in, row errors naming file, line and field, rows out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from zhengan import register_io
from zhengan.register_io import RegisterRow

DATA = Path(__file__).parent / "data" / "register"


def _errors(result) -> dict[tuple[int | None, str], str]:
    return {(e.line, e.field): e.message.both() for e in result.errors}


def test_good_csv_reads_every_row():
    result = register_io.read_csv((DATA / "register_good.csv").read_bytes(), "register_good.csv")
    assert result.errors == []
    names = [row.name for _line, row in result.rows]
    assert names == ["電子下單系統", "帳務系統", "內部郵件系統", "官方網站"]
    ordering = result.rows[0][1]
    assert ordering.customer_internet_service and ordering.core and ordering.e_trading
    assert ordering.core_functions == ["交易", "報價"]
    assert ordering.sourcing == "outsourced" and ordering.last_assessed_on == date(2025, 6, 30)
    mail = result.rows[2][1]
    assert (mail.core, mail.internet_facing, mail.cloud_hosted) == (False, True, True)
    site = result.rows[3]
    assert site[0] == 5 and site[1].class_override == 2 and "從嚴" in site[1].class_override_reason


def test_good_xlsx_reads_the_same_rows_as_the_csv():
    csv_rows = [r for _l, r in register_io.read_csv((DATA / "register_good.csv").read_bytes()).rows]
    result = register_io.read_xlsx((DATA / "register_good.xlsx").read_bytes(), "register_good.xlsx")
    assert result.errors == []
    assert [r for _l, r in result.rows] == csv_rows


def test_bad_rows_are_named_by_line_and_field_in_both_languages():
    result = register_io.read_csv((DATA / "register_bad.csv").read_bytes(), "register_bad.csv")
    errors = _errors(result)
    assert set(errors) == {
        (3, "name"),
        (4, "core"),
        (5, "registered_on"),
        (6, "class_override_reason"),
        (7, "name"),
    }
    assert "重複" in errors[(7, "name")] and "repeats line 2" in errors[(7, "name")]
    assert "須為 是/否" in errors[(4, "core")]
    assert [line for line, _row in result.rows] == [2]  # only the first row is good
    described = result.describe()
    assert any(d.startswith("register_bad.csv 第 5 行 line 5") and "registered_on" in d for d in described)


def test_bad_xlsx_names_the_unknown_class():
    result = register_io.read_xlsx((DATA / "register_bad.xlsx").read_bytes(), "register_bad.xlsx")
    errors = _errors(result)
    assert (8, "class_override") in errors and (5, "registered_on") in errors
    assert result.bad_lines == {3, 4, 5, 6, 7, 8}


def test_header_problems_stop_the_whole_file():
    result = register_io.read_csv(b"name,colour\nA,red\n", "x.csv")
    assert {(e.line, e.field) for e in result.file_errors} == {(1, "colour"), (1, "owner")}
    assert result.rows == []


def test_not_a_workbook_and_wrong_suffix():
    assert register_io.read(b"not a zip", "a.xlsx").file_errors[0].message.en == "not an XLSX workbook"
    assert register_io.read(b"x", "a.txt").file_errors[0].message.zh == "只接受 .csv 或 .xlsx"
    assert register_io.read_csv(b"\xff\xfe\x00", "a.csv").file_errors[0].message.en == "not UTF-8 text"


def test_export_round_trips_through_import():
    rows = [r for _l, r in register_io.read_csv((DATA / "register_good.csv").read_bytes()).rows]
    rows.append(
        RegisterRow(name="SWIFT 系統", owner="財務部", swift=True, decommissioned_on=date(2026, 1, 1))
    )
    again_csv = register_io.read_csv(register_io.write_csv(rows))
    again_xlsx = register_io.read_xlsx(register_io.write_xlsx(rows))
    assert again_csv.errors == [] and again_xlsx.errors == []
    assert [r for _l, r in again_csv.rows] == rows
    assert [r for _l, r in again_xlsx.rows] == rows
