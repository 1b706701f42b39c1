"""The half-yearly account review record (SR-3.3) as an XLSX workbook, one row per account.

Sheet 1 「帳號審查 Review」: every account with its facts, its findings (both languages), the clauses, a
suggested action, and empty columns for the reviewer's decision (a drop-down), name, date and remarks.
Sheet 2 「摘要 Summary」: the review date, the thresholds, the inputs with their SHA-256, the counts.
Sheet 3 「隔離 Quarantine」: every record that could not be read, with file, line, field and the raw text.

The workbook is written to a temporary file beside the target and moved into place, so a failure never
leaves a half-written record.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zhengan.checks.identity.account_model import ACCOUNT_TYPE_LABELS
from zhengan.checks.identity.accounts import Review
from zhengan.checks.result import STATUS_LABELS, CheckResult, Status
from zhengan.spreadsheet_safety import no_formulas
from zhengan.timeutil import format_taipei

DECISIONS = ["保留 Keep", "停用 Disable", "刪除 Delete", "調整權限 Change rights", "補正資料 Correct data"]
STATUS_ORDER = [Status.FAIL, Status.ERROR, Status.WARN, Status.INFO, Status.PASS]
ACTIONS = {
    "accounts.idle": "停用閒置帳號 Disable the idle account",
    "accounts.idle_unknown": "確認使用情形 Confirm use",
    "accounts.leaver_enabled": "停用離職人員帳號 Disable the leaver's account",
    "accounts.leaver_scheduled": "離職日停用 Disable on the leaving date",
    "accounts.owner_unknown": "確認使用者 Confirm the owner",
    "accounts.temporary_expired": "刪除或停用 Delete or disable",
    "accounts.temporary_no_end": "設定使用期限 Set an end date",
    "accounts.shared": "改為個人帳號 Replace with personal accounts",
    "accounts.privileged": "確認權限必要性 Confirm the rights are needed",
    "accounts.explicit_identifier": "另設使用者代號 Add a separate user id",
}
HEADERS = [
    ("系統\nSystem", 16), ("帳號\nAccount", 22), ("名稱\nName", 18), ("啟用\nEnabled", 9),
    ("類型\nType", 14), ("特權\nPrivileged", 10), ("群組\nGroups", 28), ("員工編號\nEmployee id", 12),
    ("人事狀態\nHR status", 18), ("最後登入（台北）\nLast logon (Taipei)", 20), ("到期日\nEnd date", 12),
    ("結果\nResult", 10), ("發現事項\nFindings", 60), ("條款\nClauses", 18), ("建議處置\nSuggested action", 30),
    ("審查者決定\nReviewer decision", 20), ("審查者\nReviewer", 12), ("審查日期\nReview date", 12),
    ("備註\nRemarks", 24),
]  # fmt: skip
DECISION_COLUMN = 16
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FAIL_FILL = PatternFill("solid", fgColor="FCE4D6")


def _hr_status(review: Review, employee_id: str | None) -> str:
    if not employee_id:
        return ""
    person = review.staff.get(employee_id)
    if person is None:
        return "不在名冊 Not in roster" if review.staff else ""
    if person.leave_date is None:
        return "在職 Employed"
    return f"離職 Left {person.leave_date}"


def write_review_record(path: Path, result: CheckResult, review: Review) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "帳號審查 Review"
    for column, (label, width) in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=1, column=column, value=label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row, account in enumerate(review.accounts, start=2):
        findings = [o for o in review.findings_for(account)]
        findings.sort(key=lambda o: STATUS_ORDER.index(o.status))
        worst = findings[0].status if findings else Status.PASS
        clauses = sorted({cid for o in findings for cid in o.control_ids})
        actions = list(dict.fromkeys(ACTIONS[o.rule] for o in findings if o.rule in ACTIONS))
        values = [
            account.system,
            account.account_id,
            account.display_name,
            "是 Yes" if account.enabled else "否 No",
            ACCOUNT_TYPE_LABELS[account.account_type].both(" "),
            "是 Yes" if account.privileged or any(o.rule == "accounts.privileged" for o in findings) else "",
            "; ".join(account.groups),
            account.employee_id or "",
            _hr_status(review, account.employee_id),
            format_taipei(account.last_logon) if account.last_logon else "從未 Never",
            format_taipei(account.expires)[:10] if account.expires else "",
            STATUS_LABELS[worst].both(" "),
            "\n".join(f"[{STATUS_LABELS[o.status].zh}] {o.message.zh}\n{o.message.en}" for o in findings),
            ", ".join(clauses),
            "\n".join(actions),
            None,
            None,
            None,
            None,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if worst is Status.FAIL:
                cell.fill = FAIL_FILL
    last = max(2, len(review.accounts) + 1)
    decision = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True)
    decision.error = "請選擇清單中的決定 / choose a decision from the list"
    sheet.add_data_validation(decision)
    letter = get_column_letter(DECISION_COLUMN)
    decision.add(f"{letter}2:{letter}{last}")
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{last}"

    summary = workbook.create_sheet("摘要 Summary")
    counts = result.by_status()
    rows = [
        ("檢查 Check", result.title.both()),
        ("審查基準時間 Review as of", format_taipei(review.as_of)),
        ("產出時間 Produced", format_taipei(result.finished_at or result.started_at)),
        ("業別 Kinds", ", ".join(result.parameters.get("kinds", []))),
        ("閒置天數 Idle days", result.parameters.get("idle_days")),
        ("AD 複寫延遲 AD logon sync lag (days)", result.parameters.get("ad_logon_sync_lag_days")),
        ("帳號數 Accounts", len(review.accounts)),
        *((f"{STATUS_LABELS[s].both()}", counts[s]) for s in STATUS_ORDER),
        ("隔離紀錄 Quarantined records", result.quarantined),
        ("條款 Clauses", ", ".join(sorted(result.control_ids()))),
        ("", ""),
        ("輸入檔 Input file", "SHA-256"),
        *((f.path, f.sha256) for f in result.inputs),
    ]
    for index, (label, value) in enumerate(rows, start=1):
        summary.cell(row=index, column=1, value=label).font = Font(bold=True)
        summary.cell(row=index, column=2, value=value)
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 70

    quarantine = workbook.create_sheet("隔離 Quarantine")
    for column, label in enumerate(
        ["檔案 File", "行 Line", "欄位 Field", "原因 Reason", "原始內容 Raw"], start=1
    ):
        quarantine.cell(row=1, column=column, value=label).font = Font(bold=True)
    for index, error in enumerate(result.errors, start=2):
        for column, value in enumerate(
            [error.source.file, error.source.line, error.source.field, error.message.both(), error.raw],
            start=1,
        ):
            quarantine.cell(row=index, column=column, value=value)

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    no_formulas(workbook)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
