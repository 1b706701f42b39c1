"""`zhengan catalog ...`, `zhengan soa` and the OSCAL export, through the real command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from zhengan.cli import app

runner = CliRunner()
PROFILE = "examples/profiles/first_category_securities.yaml"


def run(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result


def test_validate_counts_controls_per_document(catalog):
    result = run("catalog", "validate")
    assert result.exit_code == 0, result.output
    for document in catalog.documents:
        assert document.prefix in result.output
    assert str(len(catalog.controls)) in result.output


def test_list_filters_by_source_strength_tag_and_search():
    result = run("catalog", "list", "--source", "SR", "--strength", "should")
    assert result.exit_code == 0
    assert "SR-9.4" in result.output and "SR-6.8" not in result.output and "CC17010" not in result.output
    found = run("catalog", "list", "--search", "lockout")
    assert "SR-6.5" in found.output
    tagged = run("catalog", "list", "--tag", "firewall", "--source", "CC17010")
    assert "CC17010-2.1" in tagged.output


def test_show_prints_text_english_strength_period_retention_and_related():
    result = run("catalog", "show", "SR-4.1")
    assert result.exit_code == 0
    assert "至少保存三年" in result.output
    assert "P3Y" in result.output and "must" in result.output
    missing = run("catalog", "show", "SR-99.1")
    assert missing.exit_code == 1


def test_soa_json_has_every_control_with_a_reason(catalog):
    result = run("soa", "--profile", PROFILE, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data["controls"]) == len(catalog.controls)
    row = next(r for r in data["controls"] if r["id"] == "SR-3.6")
    assert row["applies"] is True and row["reason_zh"].startswith("適用")


def test_soa_csv_and_xlsx_and_markdown(tmp_path, catalog):
    csv_path, xlsx_path, md_path = tmp_path / "soa.csv", tmp_path / "soa.xlsx", tmp_path / "soa.md"
    assert run("soa", "--profile", PROFILE, "--format", "csv", "--out", str(csv_path)).exit_code == 0
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(catalog.controls) + 1
    assert run("soa", "--profile", PROFILE, "--format", "xlsx", "--out", str(xlsx_path)).exit_code == 0
    workbook = load_workbook(xlsx_path)
    sheet = workbook["適用性聲明 SoA"]
    ids = [sheet.cell(row=r, column=1).value for r in range(4, sheet.max_row + 1)]
    assert len(ids) == len(catalog.controls) and "AP-5" in ids
    assert "摘要 Summary" in workbook.sheetnames
    assert run("soa", "--profile", PROFILE, "--format", "md", "--out", str(md_path)).exit_code == 0
    assert "| SR-3.6 |" in md_path.read_text(encoding="utf-8")


def test_soa_with_a_bad_profile_exits_2_naming_the_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    result = runner.invoke(app, ["soa", "--profile", str(bad)])
    assert result.exit_code == 2
    assert "kinds" in result.output


def test_oscal_export_is_a_valid_oscal_catalog(tmp_path, catalog):
    trestle_catalog = pytest.importorskip("trestle.oscal.catalog")
    out = tmp_path / "catalog.json"
    assert run("catalog", "export", "--format", "oscal", "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    model = trestle_catalog.Catalog.model_validate(data["catalog"])
    assert "1.1" in str(data["catalog"]["metadata"]["oscal-version"])

    def walk(controls):
        for control in controls or []:
            yield control
            yield from walk(getattr(control, "controls", None))

    def groups(items):
        for group in items or []:
            yield group
            yield from groups(getattr(group, "groups", None))

    ids = set()
    for group in groups(model.groups):
        ids.update(c.id for c in walk(getattr(group, "controls", None)))
    assert set(catalog.controls) <= ids


def test_the_installed_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "zhengan", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "catalog" in result.stdout
