"""The review record CC17010-2.6 asks to keep: every rule with its findings, to be signed off.

`scope="dmz"` is the half-yearly DMZ review (rules with a DMZ zone), `"external"` the yearly review of
external rules (CC17010-2.8), `"full"` the yearly full review. Written as XLSX (openpyxl) and HTML.
"""

from __future__ import annotations

import html
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhengan.checks.firewall.analysis import RuleFacts
from zhengan.checks.firewall.model import ACTION_LABELS
from zhengan.checks.result import SEVERITY_LABELS, STATUS_LABELS, CheckResult
from zhengan.spreadsheet_safety import no_formulas
from zhengan.text import Text
from zhengan.timeutil import format_taipei

SCOPES = {
    "full": Text(zh="年度全面檢視（CC17010-2.6）", en="yearly full review (CC17010-2.6)"),
    "dmz": Text(zh="每半年 DMZ 區規則檢視（CC17010-2.6）", en="half-yearly DMZ review (CC17010-2.6)"),
    "external": Text(
        zh="年度對外網路設備規則檢視（CC17010-2.8）", en="yearly review of external rules (CC17010-2.8)"
    ),
}
COLUMNS = [
    Text(zh="裝置", en="Device"), Text(zh="規則集", en="Rule set"), Text(zh="順序", en="Order"),
    Text(zh="名稱", en="Name"), Text(zh="啟用", en="Enabled"), Text(zh="動作", en="Action"),
    Text(zh="來源區域", en="Source zones"), Text(zh="目的區域", en="Destination zones"),
    Text(zh="來源", en="Sources"), Text(zh="目的", en="Destinations"), Text(zh="服務", en="Services"),
    Text(zh="應用程式／使用者", en="Applications / users"), Text(zh="記錄", en="Logging"),
    Text(zh="說明", en="Description"), Text(zh="命中次數", en="Hits"), Text(zh="最後命中", en="Last hit"),
    Text(zh="範圍", en="Scope"), Text(zh="發現", en="Findings"), Text(zh="控制項", en="Controls"),
    Text(zh="檢視決定（保留／修改／移除）", en="Decision (keep / change / remove)"),
    Text(zh="檢視意見", en="Reviewer comment"),
]  # fmt: skip


def select(facts: list[RuleFacts], scope: str) -> list[RuleFacts]:
    if scope == "dmz":
        return [f for f in facts if f.dmz]
    if scope == "external":
        return [f for f in facts if f.external]
    return list(facts)


def rows(facts: list[RuleFacts]) -> list[list[str]]:
    out = []
    for item in facts:
        rule = item.rule
        scope = (
            ", ".join(s for s, flag in (("DMZ", item.dmz), ("external", item.external)) if flag) or "internal"
        )
        last = item.usage.last_used if item.usage and item.usage.last_used else rule.last_hit
        findings = "\n".join(
            f"[{STATUS_LABELS[o.status].zh} {STATUS_LABELS[o.status].en}"
            + (f" / {SEVERITY_LABELS[o.severity].zh}" if o.severity else "")
            + f"] {o.title.zh} {o.title.en}: {o.message.zh}"
            for o in item.observations
        )
        controls = ", ".join(dict.fromkeys(c for o in item.observations for c in o.control_ids))
        out.append([
            rule.device, rule.ruleset, str(rule.position), rule.name, "是 yes" if rule.enabled else "否 no",
            ACTION_LABELS[rule.action].both(), ", ".join(rule.source_zones) or "any", ", ".join(rule.destination_zones) or "any",
            ("!" if rule.source_negated else "") + ", ".join(rule.source_names),
            ("!" if rule.destination_negated else "") + ", ".join(rule.destination_names),
            ", ".join(rule.service_names), ", ".join(rule.unanalysed),
            {True: "是 yes", False: "否 no", None: "未知 unknown"}[rule.logging], rule.description,
            "" if rule.hit_count is None else str(rule.hit_count), format_taipei(last) if last else "",
            scope, findings, controls, "", "",
        ])  # fmt: skip
    return out


def write_xlsx(path: Path, result: CheckResult, facts: list[RuleFacts], scope: str) -> Path:
    chosen = select(facts, scope)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "檢視紀錄 review"
    sheet.append([f"{result.title.zh} {result.title.en}: {SCOPES[scope].both()}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            f"檢視基準時間 As of: {result.parameters.get('as_of', '')}",
            f"產生時間 Generated: {format_taipei(result.finished_at or result.started_at)}",
        ]
    )
    sheet.append([f"輸入 Inputs: {'; '.join(f'{i.path} (sha256 {i.sha256[:12]}…)' for i in result.inputs)}"])
    sheet.append([])
    sheet.append([c.both("\n") for c in COLUMNS])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows(chosen):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [12, 16, 6, 16, 8, 12, 12, 12, 24, 24, 20, 16, 10, 28, 10, 18, 12, 60, 20, 18, 24]
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(COLUMNS))}{sheet.max_row}"
    signoff = workbook.create_sheet("簽核 sign-off")
    for line in (
        ["檢視範圍 Scope", SCOPES[scope].both()],
        ["規則數 Rules", str(len(chosen))],
        ["有發現之規則 Rules with findings", str(sum(1 for f in chosen if f.observations))],
        ["檢視人員 Reviewer", ""], ["日期 Date", ""],
        ["權責主管核准 Approved by (CC17010-2.5)", ""], ["日期 Date", ""],
    ):  # fmt: skip
        signoff.append(line)
    signoff.column_dimensions["A"].width = 40
    signoff.column_dimensions["B"].width = 60
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".xlsx.part")
    no_formulas(workbook)
    workbook.save(temporary)
    temporary.replace(path)  # never a half-written record
    return path


def write_html(path: Path, result: CheckResult, facts: list[RuleFacts], scope: str) -> Path:
    chosen = select(facts, scope)
    e = html.escape
    head = "".join(f"<th>{e(c.zh)}<br><small>{e(c.en)}</small></th>" for c in COLUMNS)
    body = []
    for item, row in zip(chosen, rows(chosen), strict=True):
        css = "finding" if item.observations else ""
        body.append(
            f'<tr class="{css}">'
            + "".join(f"<td>{e(v).replace(chr(10), '<br>')}</td>" for v in row)
            + "</tr>"
        )
    inputs = "".join(f"<li>{e(i.path)} <code>sha256 {e(i.sha256)}</code></li>" for i in result.inputs)
    document = f"""<!doctype html>
<html lang="zh-Hant"><head><meta charset="utf-8"><title>{e(result.title.zh)} {e(result.title.en)}</title>
<style>body{{font-family:"Noto Sans CJK TC",sans-serif;font-size:12px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:3px;vertical-align:top}}th{{background:#ddebf7}}tr.finding{{background:#fff4e5}}
.signoff td{{min-width:220px;height:28px}}</style></head><body>
<h1>{e(result.title.zh)} <small>{e(result.title.en)}</small></h1>
<p>{e(SCOPES[scope].zh)} / {e(SCOPES[scope].en)}</p>
<p>檢視基準時間 As of: {e(str(result.parameters.get("as_of", "")))}；產生時間 Generated: {e(format_taipei(result.finished_at or result.started_at))}</p>
<ul>{inputs}</ul>
<p>規則數 Rules: {len(chosen)}；有發現之規則 Rules with findings: {sum(1 for f in chosen if f.observations)}</p>
<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
<h2>簽核 <small>Sign-off</small></h2>
<table class="signoff"><tr><th>檢視人員 Reviewer</th><td></td><th>日期 Date</th><td></td></tr>
<tr><th>權責主管核准 Approved by (CC17010-2.5)</th><td></td><th>日期 Date</th><td></td></tr></table>
</body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".html.part")
    temporary.write_text(document, encoding="utf-8")
    temporary.replace(path)
    return path
