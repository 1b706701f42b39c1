"""The HR roster of staff with their leaving dates, as CSV (English or Chinese headers).

    employee_id | 員工編號   (required)
    name        | 姓名
    department  | 部門
    hire_date   | 到職日
    leave_date  | 離職日     (empty while employed)

Dates are yyyy-mm-dd or yyyy/mm/dd. Saved from a zh-TW Excel the file is Big5; that is read too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zhengan.checks.identity.account_model import StaffMember
from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.readers.csv_values import CellError, parse_date, read_csv
from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text

FORMAT = "hr-roster-csv"
COLUMNS = {
    "employee_id": ("employee_id", "員工編號", "工號"),
    "name": ("name", "姓名"),
    "department": ("department", "部門"),
    "hire_date": ("hire_date", "到職日", "到職日期"),
    "leave_date": ("leave_date", "離職日", "離職日期"),
}


@dataclass
class RosterRead:
    staff: list[StaffMember] = field(default_factory=list)
    rejected: list[InputError] = field(default_factory=list)


def read(path: Path) -> RosterRead:
    header, rows = read_csv(path)
    columns: dict[str, str] = {}
    for name, aliases in COLUMNS.items():
        found = next((h for h in header if h in aliases), None)
        if found is not None:
            columns[name] = found
    if "employee_id" not in columns or "leave_date" not in columns:
        raise ReadError(
            SourceRef(file=str(path), line=1),
            Text(
                zh="人事名冊須有 employee_id（員工編號）與 leave_date（離職日）欄",
                en="the HR roster needs employee_id (員工編號) and leave_date (離職日) columns",
            ),
            raw=",".join(header),
        )
    result = RosterRead()
    seen: dict[str, int] = {}
    for line, row, raw in rows:
        source = SourceRef(file=str(path), line=line)
        if "__width__" in row:
            result.rejected.append(
                InputError(
                    source=source,
                    message=Text(zh="欄位數與標題不符", en="cell count differs from the header"),
                    raw=raw,
                )
            )
            continue
        employee_id = row[columns["employee_id"]].strip()
        if not employee_id:
            result.rejected.append(
                InputError(
                    source=SourceRef(file=str(path), line=line, field=columns["employee_id"]),
                    message=Text(zh="員工編號為空", en="empty employee id"),
                    raw=raw,
                )
            )
            continue
        if employee_id in seen:
            result.rejected.append(
                InputError(
                    source=SourceRef(file=str(path), line=line, field=columns["employee_id"]),
                    message=Text(
                        zh=f"員工編號 {employee_id} 重複（首見於第 {seen[employee_id]} 行）",
                        en=f"employee id {employee_id} repeated (first on line {seen[employee_id]})",
                    ),
                    raw=raw,
                )
            )
            continue
        try:
            dates = {}
            for name in ("hire_date", "leave_date"):
                column = columns.get(name)
                try:
                    dates[name] = parse_date(row[column]) if column else None
                except CellError as error:
                    raise _DateError(column or name, error.message) from error
        except _DateError as error:
            result.rejected.append(
                InputError(
                    source=SourceRef(file=str(path), line=line, field=error.column),
                    message=Text(
                        zh=f"{error.column}：{error.message.zh}", en=f"{error.column}: {error.message.en}"
                    ),
                    raw=raw,
                )
            )
            continue
        seen[employee_id] = line
        result.staff.append(
            StaffMember(
                employee_id=employee_id,
                name=row.get(columns.get("name", ""), ""),
                department=row.get(columns.get("department", ""), ""),
                source=source,
                **dates,
            )
        )
    return result


class _DateError(Exception):
    def __init__(self, column: str, message: Text) -> None:
        self.column = column
        self.message = message
        super().__init__(message.both())
