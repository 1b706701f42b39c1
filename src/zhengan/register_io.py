"""The information-system register (004 section 3) as CSV and XLSX: read with row errors, write for round-trips.

Pure core: no Django. A file is read into `RegisterRow`s (pydantic); every problem names the file, the line
(the spreadsheet row, the header being line 1) and the field, in Chinese and English. The web app decides
what to store. Export writes the same columns, so an exported file imports again unchanged.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zhengan.spreadsheet_safety import no_formulas
from zhengan.text import Text

# (key, Chinese label) in file order. Headers are written "名稱 / name"; either side is accepted on import.
COLUMNS: list[tuple[str, str]] = [
    ("name", "系統名稱"),
    ("owner", "負責單位或人員"),
    ("description", "說明"),
    ("sourcing", "自行開發或委外"),
    ("vendor", "廠商"),
    ("customer_internet_service", "提供客戶網際網路服務"),
    ("core", "核心系統"),
    ("core_functions", "核心功能"),
    ("stores_customer_data", "存放客戶資料"),
    ("stores_personal_data", "存放個人資料"),
    ("e_trading", "電子式交易系統"),
    ("internet_facing", "可由網際網路連線"),
    ("cloud_hosted", "雲端服務"),
    ("swift", "SWIFT"),
    ("registered_on", "登錄日期"),
    ("last_assessed_on", "前次評估完成日"),
    ("decommissioned_on", "停用日期"),
    ("class_override", "公司設定類別"),
    ("class_override_reason", "設定類別之理由"),
]
KEYS = [key for key, _label in COLUMNS]
BOOLEAN_FIELDS = {
    "customer_internet_service",
    "core",
    "stores_customer_data",
    "stores_personal_data",
    "e_trading",
    "internet_facing",
    "cloud_hosted",
    "swift",
}
TRUE = {"true", "yes", "y", "1", "是", "有", "✔", "v"}
FALSE = {"false", "no", "n", "0", "否", "無", ""}
SOURCING = {"in_house": "in_house", "自行開發": "in_house", "outsourced": "outsourced", "委外": "outsourced"}
MAX_BYTES = 5 * 1024 * 1024

_MESSAGES_ZH = {
    "missing": "缺少必填欄位",
    "string_too_short": "不得為空白",
    "string_too_long": "文字過長",
    "bool_parsing": "須為 是/否（yes/no）",
    "date_from_datetime_parsing": "須為日期 YYYY-MM-DD",
    "date_parsing": "須為日期 YYYY-MM-DD",
    "date_type": "須為日期 YYYY-MM-DD",
    "literal_error": "值不在允許範圍內",
    "int_parsing": "須為整數",
    "value_error": "值不正確",
}


def header(key: str) -> str:
    return f"{dict(COLUMNS)[key]} / {key}"


class RegisterRow(BaseModel):
    """One information system as a row of the register file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    owner: str = Field(min_length=1, max_length=200)
    description: str = ""
    sourcing: Literal["in_house", "outsourced"] = "in_house"
    vendor: str = Field("", max_length=200)
    customer_internet_service: bool = False
    core: bool = False
    core_functions: list[str] = Field(default_factory=list)
    stores_customer_data: bool = False
    stores_personal_data: bool = False
    e_trading: bool = False
    internet_facing: bool = False
    cloud_hosted: bool = False
    swift: bool = False
    registered_on: date | None = None
    last_assessed_on: date | None = None
    decommissioned_on: date | None = None
    class_override: Literal[1, 2, 3] | None = None
    class_override_reason: str = ""

    @field_validator(*sorted(BOOLEAN_FIELDS), mode="before")
    @classmethod
    def _yes_no(cls, value):
        if isinstance(value, bool) or value is None:
            return bool(value)
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(f"須為 是/否，不是「{value}」 / must be yes or no, not {value!r}")

    @field_validator("sourcing", mode="before")
    @classmethod
    def _sourcing(cls, value):
        text = str(value or "in_house").strip()
        return SOURCING.get(text, SOURCING.get(text.lower(), text))

    @field_validator("core_functions", mode="before")
    @classmethod
    def _functions(cls, value):
        if isinstance(value, list):
            return value
        text = str(value or "").replace("，", ",").replace("、", ",").replace(";", ",")
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("registered_on", "last_assessed_on", "decommissioned_on", mode="before")
    @classmethod
    def _date(cls, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        return value

    @field_validator("class_override", mode="before")
    @classmethod
    def _class(cls, value):
        if value in (None, ""):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value).strip()
        return {"第一類": 1, "第二類": 2, "第三類": 3}.get(text, int(text) if text.isdigit() else text)


@dataclass(frozen=True)
class RowError:
    line: int | None
    field: str
    message: Text

    def describe(self, filename: str) -> str:
        where = f"{filename} 第 {self.line} 行 line {self.line}" if self.line else filename
        return f"{where}，欄位 field `{self.field or '-'}`：{self.message.zh} / {self.message.en}"


@dataclass
class ReadResult:
    filename: str
    rows: list[tuple[int, RegisterRow]] = field(default_factory=list)  # (line, row)
    errors: list[RowError] = field(default_factory=list)

    @property
    def bad_lines(self) -> set[int]:
        return {e.line for e in self.errors if e.line is not None}

    @property
    def file_errors(self) -> list[RowError]:
        """Problems of the whole file (no line, or the header): nothing can be imported."""
        return [e for e in self.errors if e.line in (None, 1)]

    def describe(self) -> list[str]:
        return [e.describe(self.filename) for e in self.errors]


def _row_errors(line: int, error: ValidationError) -> list[RowError]:
    problems = []
    for item in error.errors():
        name = ".".join(str(p) for p in item["loc"]) or "-"
        own = str(item.get("ctx", {}).get("error", ""))
        if item["type"] == "value_error" and " / " in own:  # our validators' messages: "中文 / English"
            zh, en = own.split(" / ", 1)
        else:
            zh, en = _MESSAGES_ZH.get(item["type"], "值不正確"), item["msg"]
        problems.append(RowError(line, name, Text(zh=zh, en=en)))
    return problems


def _column_keys(cells: list) -> tuple[list[str | None], list[RowError]]:
    """Map header cells to field keys ("系統名稱 / name", "name" or "系統名稱"); unknown headers are errors."""
    by_label = {label: key for key, label in COLUMNS}
    keys: list[str | None] = []
    errors = []
    for cell in cells:
        text = str(cell or "").strip()
        if not text:
            keys.append(None)
            continue
        parts = [p.strip() for p in text.split("/")]
        key = next((p for p in (parts[-1], text) if p in KEYS), None) or by_label.get(parts[0])
        if key is None:
            errors.append(
                RowError(1, text, Text(zh=f"不認得的欄位「{text}」", en=f"unknown column {text!r}"))
            )
        keys.append(key)
    present = {k for k in keys if k}
    for required in ("name", "owner"):
        if required not in present:
            errors.append(
                RowError(1, required, Text(zh="標題列缺少必要欄位", en="the header lacks a required column"))
            )
    return keys, errors


def _read_table(table: list[list], filename: str) -> ReadResult:
    result = ReadResult(filename)
    if not table:
        result.errors.append(RowError(None, "", Text(zh="檔案是空的", en="the file is empty")))
        return result
    keys, errors = _column_keys(table[0])
    result.errors += errors
    if errors:
        return result
    seen: dict[str, int] = {}
    for line, cells in enumerate(table[1:], start=2):
        if all(str(c or "").strip() == "" for c in cells):
            continue
        data = {k: c for k, c in zip(keys, cells, strict=False) if k and c is not None}
        try:
            row = RegisterRow.model_validate(data)
        except ValidationError as error:
            result.errors += _row_errors(line, error)
            continue
        if row.class_override is not None and not row.class_override_reason:
            result.errors.append(
                RowError(
                    line,
                    "class_override_reason",
                    Text(zh="公司設定類別時須寫明理由", en="a class set by the firm needs a written reason"),
                )
            )
            continue
        if row.name in seen:
            result.errors.append(
                RowError(
                    line,
                    "name",
                    Text(
                        zh=f"系統名稱「{row.name}」與第 {seen[row.name]} 行重複",
                        en=f"system name {row.name!r} repeats line {seen[row.name]}",
                    ),
                )
            )
            continue
        seen[row.name] = line
        result.rows.append((line, row))
    return result


def read_csv(data: bytes, filename: str = "register.csv") -> ReadResult:
    """A UTF-8 CSV (a BOM, as Excel writes it, is fine)."""
    if len(data) > MAX_BYTES:
        return ReadResult(
            filename, errors=[RowError(None, "", Text(zh="檔案過大", en="the file is too large"))]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ReadResult(
            filename, errors=[RowError(None, "", Text(zh="不是 UTF-8 文字檔", en="not UTF-8 text"))]
        )
    return _read_table(list(csv.reader(io.StringIO(text, newline=""))), filename)


def read_xlsx(data: bytes, filename: str = "register.xlsx") -> ReadResult:
    """The first worksheet of an XLSX workbook."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        return ReadResult(
            filename, errors=[RowError(None, "", Text(zh="檔案過大", en="the file is too large"))]
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return ReadResult(
            filename, errors=[RowError(None, "", Text(zh="不是 XLSX 活頁簿", en="not an XLSX workbook"))]
        )
    sheet = workbook.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return _read_table(table, filename)


def read(data: bytes, filename: str) -> ReadResult:
    """By the file name's suffix: .xlsx or .csv."""
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(data, filename)
    if filename.lower().endswith(".csv"):
        return read_csv(data, filename)
    return ReadResult(
        filename, errors=[RowError(None, "", Text(zh="只接受 .csv 或 .xlsx", en="only .csv or .xlsx files"))]
    )


def _cells(row: RegisterRow) -> list:
    values = []
    for key in KEYS:
        value = getattr(row, key)
        if key in BOOLEAN_FIELDS:
            value = "yes" if value else "no"
        elif key == "core_functions":
            value = "、".join(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif value is None:
            value = ""
        values.append(value)
    return values


def write_csv(rows: list[RegisterRow]) -> bytes:
    """UTF-8 with a BOM so Excel shows the Chinese right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([header(k) for k in KEYS])
    for row in rows:
        writer.writerow(_cells(row))
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: list[RegisterRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "資通系統 Systems"
    sheet.append([header(k) for k in KEYS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    no_formulas(workbook)
    workbook.save(out)
    return out.getvalue()
