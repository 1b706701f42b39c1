"""Write the 資通系統資通安全評估報告 (AP-8.1) as PDF (WeasyPrint), DOCX (python-docx) and XLSX (openpyxl).

Each builder takes `AssessmentReportData` and a language ("zh" by default, "en" on request). The section
list is shared so that the three formats carry the same content in the same order.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from pathlib import Path

from zhengan.reports.assessment_data import (
    CATEGORY_LABELS,
    QUALIFICATION_CATEGORIES,
    RESULT_LABELS,
    AssessmentReportData,
    severity_label,
)
from zhengan.reports.charts import bar_chart_png, bar_chart_svg
from zhengan.spreadsheet_safety import no_formulas
from zhengan.text import Text

SECTIONS: dict[str, Text] = {
    "summary": Text(zh="摘要", en="Summary"),
    "assessors": Text(zh="一、評估人員資格", en="1. Assessors and their qualifications"),
    "scope": Text(zh="二、評估範圍", en="2. Scope"),
    "items": Text(zh="三、評估作業項目與標的", en="3. Assessment items and targets"),
    "records": Text(zh="四、評估紀錄", en="4. Assessment records"),
    "findings": Text(
        zh="五、缺失項目、嚴重程度、類別、風險說明及具體改善建議",
        en="5. Findings: severity, category, risk and recommendations",
    ),
    "drill": Text(zh="六、社交工程演練結果", en="6. Social-engineering drill results"),
    "plan": Text(zh="七、缺失改善計畫及處理時限", en="7. Remediation plan and deadlines"),
}

REPORT_TITLE = Text(zh="資通系統資通安全評估報告", en="Information-system security assessment report")
CHART_SEVERITY = Text(zh="缺失依嚴重程度", en="Findings by severity")
CHART_CATEGORY = Text(zh="缺失依類別", en="Findings by category")

_L = {
    "firm": Text(zh="公司", en="Firm"),
    "period": Text(zh="評估期間", en="Assessment period"),
    "issued": Text(zh="報告日期", en="Issued on"),
    "unit": Text(zh="評估單位", en="Assessing unit"),
    "internal": Text(
        zh="內部單位（獨立於原系統開發與維護單位）",
        en="internal unit (independent of development and maintenance)",
    ),
    "external": Text(
        zh="外部專業機構（與評估標的無利害關係）", en="external body (no interest in the target)"
    ),
    "prepared": Text(zh="編製", en="Prepared by"),
    "approved": Text(zh="核定", en="Approved by"),
    "name": Text(zh="姓名", en="Name"),
    "organisation": Text(zh="單位", en="Organisation"),
    "role": Text(zh="角色", en="Role"),
    "qualifications": Text(zh="資格", en="Qualifications"),
    "pledges": Text(zh="獨立性／保密切結／不隱瞞承諾", en="Independence / confidentiality / no concealment"),
    "system": Text(zh="系統", en="System"),
    "class": Text(zh="類別", en="Class"),
    "reason": Text(zh="分類理由", en="Reason"),
    "owner": Text(zh="負責人", en="Owner"),
    "control": Text(zh="控制項", en="Control"),
    "item": Text(zh="評估項目", en="Item"),
    "targets": Text(zh="標的", en="Targets"),
    "result": Text(zh="結果", en="Result"),
    "record": Text(zh="評估紀錄", en="Record"),
    "evidence": Text(zh="證據", en="Evidence"),
    "reference": Text(zh="編號", en="Ref."),
    "title": Text(zh="缺失", en="Finding"),
    "severity": Text(zh="嚴重程度", en="Severity"),
    "category": Text(zh="類別", en="Category"),
    "risk": Text(zh="風險說明", en="Risk"),
    "recommendation": Text(zh="具體改善建議", en="Recommendation"),
    "deadline": Text(zh="改善期限", en="Deadline"),
    "status": Text(zh="狀態", en="Status"),
    "held": Text(zh="演練日期", en="Held on"),
    "sent": Text(zh="寄送", en="Mails sent"),
    "opened": Text(zh="開啟", en="Opened"),
    "clicked": Text(zh="點擊", en="Clicked"),
    "reported": Text(zh="通報", en="Reported"),
    "follow_up": Text(zh="後續教育訓練", en="Follow-up training"),
    "no_drill": Text(
        zh="本期未辦理社交工程演練（AP-6 規定每年至少一次）",
        en="No social-engineering drill in this period (AP-6 requires one a year)",
    ),
    "no_findings": Text(zh="本次評估未發現缺失", en="No findings"),
    "yes": Text(zh="是", en="yes"),
    "no": Text(zh="否", en="no"),
    "total": Text(zh="合計", en="Total"),
}


def _t(key: str, lang: str) -> str:
    return _L[key].get(lang)


def _yes(value: bool, lang: str) -> str:
    return _t("yes" if value else "no", lang)


def tables(data: AssessmentReportData, lang: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every table of the report, by section: (header, rows). Shared by the three formats."""
    assessors = (
        [
            _t("name", lang),
            _t("organisation", lang),
            _t("role", lang),
            _t("qualifications", lang),
            _t("pledges", lang),
        ],
        [
            [
                a.name,
                a.organisation,
                a.role,
                "；".join(
                    f"{q.name}（{q.category} {QUALIFICATION_CATEGORIES[q.category].get(lang)}"
                    + (f"，{q.certificate_number}" if q.certificate_number else "")
                    + (f"，{q.expires_on.isoformat()}" if q.expires_on else "")
                    + "）"
                    for q in a.qualifications
                ),
                "/".join(
                    _yes(v, lang)
                    for v in (
                        a.independence_declared,
                        a.confidentiality_pledge_signed,
                        a.no_concealment_undertaking,
                    )
                ),
            ]
            for a in data.assessors
        ],
    )
    scope = (
        [_t("system", lang), _t("class", lang), _t("reason", lang), _t("owner", lang)],
        [[s.name, str(s.system_class), s.class_reason.get(lang), s.owner] for s in data.scope],
    )
    items = (
        [_t("control", lang), _t("item", lang), _t("targets", lang)],
        [[i.control_id, i.title.get(lang), "、".join(i.targets)] for i in data.items],
    )
    records = (
        [
            _t("control", lang),
            _t("system", lang),
            _t("result", lang),
            _t("record", lang),
            _t("evidence", lang),
        ],
        [
            [r.control_id, r.system, RESULT_LABELS[r.result].get(lang), r.note, "、".join(r.evidence)]
            for r in data.records
        ],
    )
    findings = (
        [
            _t("reference", lang),
            _t("title", lang),
            _t("severity", lang),
            _t("category", lang),
            _t("risk", lang),
            _t("recommendation", lang),
            _t("control", lang),
        ],
        [
            [
                f.reference,
                f"{f.title}：{f.description}" if lang == "zh" else f"{f.title}: {f.description}",
                severity_label(f.severity, lang),
                f"{CATEGORY_LABELS[f.category].get(lang)}／{f.topic}",
                f.risk,
                f.recommendation,
                ", ".join(f.control_ids),
            ]
            for f in data.findings
        ],
    )
    drill = (
        [
            _t("held", lang),
            _t("sent", lang),
            _t("opened", lang),
            _t("clicked", lang),
            _t("reported", lang),
            _t("follow_up", lang),
        ],
        []
        if data.drill is None
        else [
            [
                data.drill.held_on.isoformat(),
                str(data.drill.mails_sent),
                _ratio(data.drill.opened, data.drill.mails_sent),
                _ratio(data.drill.clicked, data.drill.mails_sent),
                _ratio(data.drill.reported, data.drill.mails_sent),
                data.drill.follow_up,
            ]
        ],
    )
    plan = (
        [
            _t("reference", lang),
            _t("title", lang),
            _t("severity", lang),
            _t("owner", lang),
            _t("deadline", lang),
            _t("status", lang),
        ],
        [
            [
                f.reference,
                f.title,
                severity_label(f.severity, lang),
                f.owner,
                f.deadline.isoformat(),
                f.status,
            ]
            for f in sorted(data.findings, key=lambda f: (f.deadline, f.reference))
        ],
    )
    return {
        "assessors": assessors,
        "scope": scope,
        "items": items,
        "records": records,
        "findings": findings,
        "drill": drill,
        "plan": plan,
    }


def _ratio(part: int, whole: int) -> str:
    return f"{part}（{part / whole:.1%}）" if whole else str(part)


def chart_series(data: AssessmentReportData, lang: str) -> list[tuple[str, list[tuple[str, int]]]]:
    return [
        (CHART_SEVERITY.get(lang), [(severity_label(s, lang), n) for s, n in data.findings_by_severity()]),
        (
            CHART_CATEGORY.get(lang),
            [(CATEGORY_LABELS[c].get(lang), n) for c, n in data.findings_by_category()],
        ),
    ]


def _front_matter(data: AssessmentReportData, lang: str) -> list[tuple[str, str]]:
    unit = f"{data.assessing_unit}（{_t(data.unit_kind, lang)}）"
    rows = [
        (_t("firm", lang), data.firm),
        (_t("period", lang), f"{data.period_start.isoformat()} – {data.period_end.isoformat()}"),
        (_t("issued", lang), data.issued_on.isoformat()),
        (_t("unit", lang), unit),
        (_t("prepared", lang), data.prepared_by),
    ]
    if data.approved_by:
        rows.append((_t("approved", lang), data.approved_by))
    return rows


def _summary_lines(data: AssessmentReportData, lang: str) -> list[str]:
    results = "、".join(f"{RESULT_LABELS[r].get(lang)} {n}" for r, n in data.results_summary() if n)
    severities = "、".join(f"{severity_label(s, lang)} {n}" for s, n in data.findings_by_severity())
    if lang == "zh":
        return [
            f"評估範圍 {len(data.scope)} 個資通系統、{len(data.items)} 個評估項目、{len(data.records)} 筆評估紀錄（{results}）。",
            f"發現缺失 {len(data.findings)} 項：{severities}。",
        ]
    return [
        f"{len(data.scope)} systems, {len(data.items)} assessment items and {len(data.records)} records ({results}).",
        f"{len(data.findings)} findings: {severities}.",
    ]


# HTML / PDF ------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 18mm 15mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "Noto Sans CJK TC", "Noto Sans CJK JP", sans-serif; font-size: 9.5pt; line-height: 1.45; }
h1 { font-size: 18pt; margin-bottom: 4mm; } h2 { font-size: 12.5pt; margin-top: 7mm; border-bottom: 1px solid #888; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; } th, td { border: 1px solid #999; padding: 1.2mm; vertical-align: top; }
th { background: #e8eef6; text-align: left; } .meta td:first-child { width: 28mm; font-weight: bold; } .charts svg { margin-right: 6mm; }
"""


def build_html(data: AssessmentReportData, lang: str = "zh") -> str:
    esc = html.escape
    parts = [
        f"<!doctype html><html lang='{'zh-Hant' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
    ]
    parts.append(f"<title>{esc(REPORT_TITLE.get(lang))}</title><style>{_CSS}</style></head><body>")
    parts.append(f"<h1>{esc(REPORT_TITLE.get(lang))}</h1><h3>{esc(data.title)}</h3>")
    parts.append(
        "<table class='meta'>"
        + "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in _front_matter(data, lang))
        + "</table>"
    )
    parts.append(f"<h2>{esc(SECTIONS['summary'].get(lang))}</h2>")
    parts += [f"<p>{esc(line)}</p>" for line in _summary_lines(data, lang)]
    parts.append(
        "<div class='charts'>"
        + "".join(bar_chart_svg(title, series) for title, series in chart_series(data, lang))
        + "</div>"
    )
    all_tables = tables(data, lang)
    for key in ["assessors", "scope", "items", "records", "findings", "drill", "plan"]:
        parts.append(f"<h2>{esc(SECTIONS[key].get(lang))}</h2>")
        header, rows = all_tables[key]
        if not rows:
            empty = {"drill": "no_drill"}.get(key, "no_findings")
            parts.append(f"<p>{esc(_t(empty, lang))}</p>")
            continue
        parts.append(
            "<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead><tbody>"
        )
        parts += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def write_pdf(data: AssessmentReportData, path: Path | str, lang: str = "zh") -> Path:
    from weasyprint import HTML

    path = Path(path)
    HTML(string=build_html(data, lang)).write_pdf(path)
    return path


# DOCX --------------------------------------------------------------------------------------------


def write_docx(data: AssessmentReportData, path: Path | str, lang: str = "zh") -> Path:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    path = Path(path)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Sans CJK TC"
    style.font.size = Pt(10)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK TC")
    document.add_heading(REPORT_TITLE.get(lang), level=0)
    document.add_paragraph(data.title)
    meta = document.add_table(rows=0, cols=2)
    meta.style = "Table Grid"
    for key, value in _front_matter(data, lang):
        cells = meta.add_row().cells
        cells[0].text, cells[1].text = key, value
    document.add_heading(SECTIONS["summary"].get(lang), level=1)
    for line in _summary_lines(data, lang):
        document.add_paragraph(line)
    for title, series in chart_series(data, lang):
        document.add_picture(io.BytesIO(bar_chart_png(title, series)), width=Cm(12))
    all_tables = tables(data, lang)
    for key in ["assessors", "scope", "items", "records", "findings", "drill", "plan"]:
        document.add_heading(SECTIONS[key].get(lang), level=1)
        header, rows = all_tables[key]
        if not rows:
            document.add_paragraph(_t({"drill": "no_drill"}.get(key, "no_findings"), lang))
            continue
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    document.save(path)
    return path


# XLSX --------------------------------------------------------------------------------------------


def write_xlsx(data: AssessmentReportData, path: Path | str, lang: str = "zh") -> Path:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    workbook = Workbook()
    summary = workbook.active
    summary.title = SECTIONS["summary"].get(lang)[:31]
    summary.append([REPORT_TITLE.get(lang)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([data.title])
    for key, value in _front_matter(data, lang):
        summary.append([key, value])
    summary.append([SECTIONS["summary"].get(lang)])
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    for line in _summary_lines(data, lang):
        summary.append([line])
    for title, series in chart_series(data, lang):
        start = summary.max_row + 2
        summary.cell(row=start, column=1, value=title).font = Font(bold=True)
        for offset, (name, count) in enumerate(series, 1):
            summary.cell(row=start + offset, column=1, value=name)
            summary.cell(row=start + offset, column=2, value=count)
        chart = BarChart()
        chart.title = title
        chart.legend = None
        chart.add_data(Reference(summary, min_col=2, min_row=start + 1, max_row=start + len(series)))
        chart.set_categories(Reference(summary, min_col=1, min_row=start + 1, max_row=start + len(series)))
        summary.add_chart(chart, f"D{start}")
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 60
    all_tables = tables(data, lang)
    for key in ["assessors", "scope", "items", "records", "findings", "drill", "plan"]:
        sheet = workbook.create_sheet(SECTIONS[key].get(lang)[:31].replace("/", "／").replace(":", "："))
        header, rows = all_tables[key]
        sheet.append([SECTIONS[key].get(lang)])
        sheet["A1"].font = Font(bold=True)
        if not rows:
            sheet.append([_t({"drill": "no_drill"}.get(key, "no_findings"), lang)])
            continue
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index in range(len(header)):
            sheet.column_dimensions[chr(ord("A") + index)].width = 28
    no_formulas(workbook)
    workbook.save(path)
    return path


WRITERS: dict[str, Callable[..., Path]] = {"pdf": write_pdf, "docx": write_docx, "xlsx": write_xlsx}
