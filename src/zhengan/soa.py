"""The statement of applicability in every format a compliance officer needs: table, JSON, CSV, XLSX, Markdown.

Renderers take the plain `Statement`; none touches a database.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from zhengan.applicability import Statement
from zhengan.spreadsheet_safety import no_formulas
from zhengan.timeutil import format_taipei

STRENGTH_LABELS = {"must": "應 must", "should": "宜 should", "may": "得 may"}

COLUMNS: list[tuple[str, str]] = [
    ("id", "編號 ID"),
    ("document", "規範 Document"),
    ("citation", "條次 Citation"),
    ("title", "標題 Title"),
    ("strength", "強度 Strength"),
    ("applies", "適用 Applies"),
    ("reason_zh", "理由"),
    ("reason_en", "Reason"),
    ("system_scope", "系統範圍 System scope"),
    ("period", "週期 Period"),
    ("better_standard", "較佳規範 Better standard"),
]


def rows(statement: Statement) -> list[dict[str, Any]]:
    result = []
    for decision in statement.decisions:
        control = statement.control(decision.control_id)
        document = statement.catalog.document_of(decision.control_id)
        result.append(
            {
                "id": decision.control_id,
                "document": document.prefix,
                "citation": control.citation,
                "title": control.title.both() if control.title else "",
                "strength": decision.strength.value,
                "applies": decision.applies,
                "reason_zh": decision.reason.zh,
                "reason_en": decision.reason.en,
                "system_scope": ",".join(decision.system_scope),
                "period": control.period.value if control.period else "",
                "better_standard": decision.better_standard or "",
            }
        )
    return result


def summary_rows(statement: Statement) -> list[dict[str, Any]]:
    return [
        {
            "document": row.prefix,
            "title": row.title.both(),
            "strength": row.strength.value,
            "applicable": row.applicable,
            "not_applicable": row.not_applicable,
        }
        for row in statement.summary()
    ]


def to_json(statement: Statement) -> str:
    profile = statement.profile
    return json.dumps(
        {
            "firm": profile.name,
            "profile": profile.model_dump(mode="json"),
            "generated_at": statement.generated_at.isoformat(),
            "summary": summary_rows(statement),
            "controls": rows(statement),
        },
        ensure_ascii=False,
        indent=2,
    )


def to_csv(statement: Statement) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in COLUMNS])
    for row in rows(statement):
        writer.writerow(["是 yes" if v is True else "否 no" if v is False else v for v in row.values()])
    return buffer.getvalue()


def write_csv(statement: Statement, path: Path | str) -> Path:
    path = Path(path)
    # A byte-order mark so that Excel opens the Chinese text correctly.
    path.write_text(to_csv(statement), encoding="utf-8-sig")
    return path


def to_markdown(statement: Statement) -> str:
    lines = [
        f"# 適用性聲明 Statement of applicability: {statement.profile.name}",
        "",
        f"產生時間 Generated: {format_taipei(statement.generated_at)} (Asia/Taipei)",
        "",
        "## 摘要 Summary",
        "",
        "| 規範 Document | 強度 Strength | 適用 Applies | 不適用 Does not apply |",
        "|---|---|---:|---:|",
    ]
    for row in statement.summary():
        lines.append(
            f"| {row.prefix} {row.title.zh} | {STRENGTH_LABELS[row.strength]} | {row.applicable} | {row.not_applicable} |"
        )
    lines += [
        "",
        "## 控制項 Controls",
        "",
        "| 編號 ID | 條次 Citation | 強度 | 適用 | 理由 Reason |",
        "|---|---|---|---|---|",
    ]
    for row in rows(statement):
        reason = f"{row['reason_zh']}<br>{row['reason_en']}".replace("|", "\\|")
        mark = "✔" if row["applies"] else "✘"
        lines.append(
            f"| {row['id']} | {row['citation']} | {STRENGTH_LABELS[row['strength']]} | {mark} | {reason} |"
        )
    return "\n".join(lines) + "\n"


def write_xlsx(statement: Statement, path: Path | str) -> Path:
    path = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "適用性聲明 SoA"
    sheet.append([f"適用性聲明 Statement of applicability: {statement.profile.name}"])
    sheet.append([f"產生時間 Generated (Asia/Taipei): {format_taipei(statement.generated_at)}"])
    sheet.append([label for _, label in COLUMNS])
    header_row = 3
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows(statement):
        sheet.append(["是 yes" if v is True else "否 no" if v is False else v for v in row.values()])
    widths = [14, 10, 18, 40, 10, 8, 60, 60, 20, 14, 30]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.auto_filter.ref = f"A{header_row}:{chr(ord('A') + len(COLUMNS) - 1)}{sheet.max_row}"

    summary = workbook.create_sheet("摘要 Summary")
    summary.append(["規範 Document", "名稱 Title", "強度 Strength", "適用 Applies", "不適用 Does not apply"])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for row in summary_rows(statement):
        summary.append(list(row.values()))
    summary.column_dimensions["B"].width = 60
    no_formulas(workbook)
    workbook.save(path)
    return path
