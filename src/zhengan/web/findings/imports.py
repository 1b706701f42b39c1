"""Bring check results into findings: `zhengan findings import` and the 「匯入檢查結果」 page.

Reading is separate from importing, so that every file is read and validated before anything is written:
one bad file (not UTF-8, not JSON, not a CheckResult) refuses the whole import, naming the file and the
field (pydantic's error location). The import itself runs in one transaction over all files and writes one
audit entry; a dry run does the same work and rolls it back, so its preview is what a real import would do.

Choices (docs/findings.md, 「Importing check results」):
- `fail` observations become findings; `warn` only when asked (`include_warnings`), since a warning holds
  now and needs attention, not yet a gap (AP-8.1); `pass`, `info` and `error` never (an error is a check that
  could not decide: a matter for its inputs). The observations left aside are counted in the summary.
- Severity and deadline: as `services.finding_from_observation` sets them (the observation's severity,
  none = medium, info = low; deadline from the firm's severity policy, AP-8.2 / SR-9.1, from the day the
  check ran unless `raised_on` says otherwise).
- Each imported file is kept as evidence (by SHA-256, once however often it is imported) serving the
  controls of its imported observations, and linked to the findings it raised or saw again (AP-8.1).
- The same issue found again (same check, rule and subject) is counted as seen again, and reopened when it
  was verified; its owner and systems are left as they are.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from zhengan.checks.result import CheckResult, Status
from zhengan.text import Text
from zhengan.web.findings import services
from zhengan.web.findings.models import Finding

NEW, SEEN_AGAIN, REOPENED = "new", "seen_again", "reopened"
OUTCOMES = {
    NEW: Text(zh="新增", en="new"),
    SEEN_AGAIN: Text(zh="再次發現", en="seen again"),
    REOPENED: Text(zh="重新開啟", en="reopened"),
}
# pydantic error types in Chinese; the English is pydantic's own message.
ERROR_TYPES_ZH = {
    "missing": "缺少必要欄位",
    "extra_forbidden": "不允許的欄位",
    "enum": "值不在允許範圍內",
    "too_short": "內容不足",
    "model_type": "應為物件",
    "dict_type": "應為物件",
    "list_type": "應為清單",
    "string_type": "應為文字",
    "int_type": "應為整數",
    "int_parsing": "應為整數",
    "datetime_parsing": "日期時間格式不正確",
    "datetime_type": "日期時間格式不正確",
}
MAX_ERRORS_SHOWN = 5


class ImportRefused(ValueError):
    """One or more files cannot be imported; the message names each file and field, in both languages."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ResultFile:
    name: str
    sha256: str
    result: CheckResult
    content: bytes = field(default=b"", repr=False)  # kept as the findings' evidence on import


@dataclass
class Line:
    """What the import did (or would do) with one observation."""

    file: str
    rule: str
    subject: str
    outcome: str
    reference: str
    severity: str
    deadline: date
    title: str
    status: str
    finding_id: int

    @property
    def outcome_text(self) -> Text:
        return OUTCOMES[self.outcome]


@dataclass
class ImportReport:
    files: list[ResultFile]
    lines: list[Line] = field(default_factory=list)
    left_aside: Counter = field(default_factory=Counter)  # observation status -> count not imported
    input_errors: int = 0  # records the checks themselves could not read (CheckResult.errors)
    include_warnings: bool = False
    dry_run: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    def summary(self) -> Text:
        new, seen, reopened = self.count(NEW), self.count(SEEN_AGAIN), self.count(REOPENED)
        aside = ", ".join(f"{status} {n}" for status, n in sorted(self.left_aside.items())) or "0"
        zh = (
            f"{'試算（未寫入）：' if self.dry_run else ''}{len(self.files)} 個檔案，新增缺失 {new} 項、"
            f"再次發現 {seen} 項、重新開啟 {reopened} 項；未列為缺失之觀察 {aside}"
        )
        en = (
            f"{'Dry run (nothing written): ' if self.dry_run else ''}{len(self.files)} file(s): "
            f"{new} new finding(s), {seen} seen again, {reopened} reopened; observations not imported: {aside}"
        )
        if not self.include_warnings and self.left_aside.get(Status.WARN.value):
            zh += "（注意事項未匯入，可選擇一併匯入）"
            en += " (warnings were not imported; they can be included)"
        if self.input_errors:
            zh += f"；檢查本身有 {self.input_errors} 筆無法判讀之輸入，請檢視檢查結果"
            en += f"; the checks could not read {self.input_errors} input record(s): see the results"
        return Text(zh=zh + "。", en=en + ".")


def _location(loc: tuple) -> str:
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where or "（整份文件）(the whole document)"


def read_result(name: str, data: bytes) -> ResultFile:
    """One file as a CheckResult, or ImportRefused naming the file and what is wrong where."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            [f"{name}: 不是 UTF-8 文字檔（位元組 {error.start}）/ not UTF-8 text (byte {error.start})"]
        ) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                f"{name}: 不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 欄：{error.msg}）/ "
                f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
            ]
        ) from None
    try:
        result = CheckResult.model_validate(raw)
    except ValidationError as error:
        problems = []
        for item in error.errors()[:MAX_ERRORS_SHOWN]:
            where = _location(item["loc"])
            zh = ERROR_TYPES_ZH.get(item["type"], "欄位值不正確")
            problems.append(
                f"{name}: 不是檢查結果（CheckResult），欄位 {where}：{zh} / "
                f"not a check result (CheckResult), field {where}: {item['msg']}"
            )
        more = error.error_count() - MAX_ERRORS_SHOWN
        if more > 0:
            problems.append(f"{name}: 另有 {more} 個錯誤 / {more} more error(s)")
        raise ImportRefused(problems) from None
    return ResultFile(name=name, sha256=hashlib.sha256(data).hexdigest(), result=result, content=data)


def read_results(files: list[tuple[str, bytes]]) -> list[ResultFile]:
    """Every file read; the problems of all bad files together, so one run names them all."""
    if not files:
        raise ImportRefused(["請至少提供一個檢查結果檔 / give at least one check result file"])
    read, problems = [], []
    for name, data in files:
        try:
            read.append(read_result(name, data))
        except ImportRefused as refused:
            problems += refused.problems
    if problems:
        raise ImportRefused(problems)
    return read


def importable(status: Status, include_warnings: bool) -> bool:
    return status is Status.FAIL or (include_warnings and status is Status.WARN)


def run_import(
    files: list[ResultFile],
    *,
    user=None,
    username: str = "",
    source_ip: str | None = None,
    owner=None,
    systems=(),
    include_warnings: bool = False,
    dry_run: bool = False,
    raised_on: date | None = None,
) -> ImportReport:
    """Import every file's failing (and, if asked, warning) observations in one transaction.

    All or nothing: an exception from any observation rolls back the whole import. A dry run rolls back
    at the end, so its report is exactly what the import would do now. One audit entry per real import.
    """
    from zhengan.web.audit.chain import append

    # Deadlines run from discovery (SR-9.1, AP-8.2): the day the check ran, in Taipei, unless told otherwise;
    # importing a week-old result late does not give a week more.
    def discovered(item) -> date:
        return raised_on or timezone.localtime(item.result.started_at).date()

    systems = list(systems)
    report = ImportReport(files=files, include_warnings=include_warnings, dry_run=dry_run)
    evidence_ids: dict[str, int] = {}
    with transaction.atomic():
        for item in files:
            report.input_errors += len(item.result.errors)
            touched: list[Finding] = []
            controls: set[str] = set()
            for observation in item.result.observations:
                if not importable(observation.status, include_warnings):
                    report.left_aside[observation.status.value] += 1
                    continue
                key = services.check_fingerprint(item.result.check, observation)
                before = Finding.objects.filter(fingerprint=key).values_list("status", flat=True).first()
                try:
                    finding, created = services.finding_from_observation(
                        item.result,
                        observation,
                        user=user,
                        owner=owner,
                        systems=systems,
                        raised_on=discovered(item),
                    )
                except services.WorkflowRefused as error:  # e.g. a control id not in the catalogue
                    raise ImportRefused(
                        [f"{item.name}: {observation.rule} ({observation.subject}): {error}"]
                    ) from None
                touched.append(finding)
                controls.update(observation.control_ids)
                if created:
                    outcome = NEW
                elif before == Finding.Status.VERIFIED:
                    outcome = REOPENED
                else:
                    outcome = SEEN_AGAIN
                report.lines.append(
                    Line(
                        file=item.name,
                        rule=observation.rule,
                        subject=observation.subject,
                        outcome=outcome,
                        reference=finding.reference,
                        severity=finding.severity,
                        deadline=finding.deadline,
                        title=finding.title,
                        status=finding.status,
                        finding_id=finding.pk,
                    )
                )
            if touched and not dry_run:
                evidence = _kept_as_evidence(
                    item, controls, user=user, owner=owner, effective_on=discovered(item)
                )
                evidence_ids[item.name] = evidence.pk
                for finding in touched:
                    finding.evidence.add(evidence)
        if dry_run:
            transaction.set_rollback(True)
        else:
            append(
                "findings_imported",
                user=user,
                username=username,
                source_ip=source_ip,
                obj_type="finding_import",
                after={
                    "lines": [
                        {
                            "finding": line.finding_id,
                            "reference": line.reference,
                            "outcome": line.outcome,
                            "status": line.status,
                            "severity": line.severity,
                            "deadline": line.deadline.isoformat(),
                        }
                        for line in report.lines
                    ]
                },
                detail={
                    "files": [
                        {
                            "name": item.name,
                            "sha256": item.sha256,
                            "check": item.result.check,
                            "started_at": item.result.started_at.isoformat(),
                            "raised_on": discovered(item).isoformat(),
                            "evidence_id": evidence_ids.get(item.name),
                        }
                        for item in files
                    ],
                    "owner": owner.get_username() if owner is not None else None,
                    "systems": [system.name for system in systems],
                    "include_warnings": include_warnings,
                    "left_aside": dict(report.left_aside),
                },
            )
    return report


def _kept_as_evidence(item: ResultFile, controls: set[str], *, user, owner, effective_on: date):
    """The result file as evidence: the one already kept with these bytes, else a new item (AP-8.1)."""
    import io

    from zhengan.web.evidence.models import EvidenceItem
    from zhengan.web.evidence.services import EvidenceRefused, add_evidence

    existing = EvidenceItem.objects.filter(sha256=item.sha256).order_by("pk").first()
    if existing is not None:
        return existing
    try:
        return add_evidence(
            io.BytesIO(item.content),
            user=user,
            title=f"檢查結果 check result: {item.result.check} ({item.name})"[:200],
            effective_on=effective_on,
            control_ids=sorted(controls),
            owner=owner,
            description=f"zhengan {item.result.check}, {item.result.started_at.isoformat()}",
            filename=item.name,
        )
    except EvidenceRefused as error:
        raise ImportRefused([f"{item.name}: {error}"]) from None
