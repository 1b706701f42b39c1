"""Anchors of the audit chain kept outside the database (SR-4).

The hash chain shows any change to a record, but someone with write access to the database could rewrite
every record after the one they changed and recompute all the hashes. An anchor, the newest record's
sequence number and hash written down somewhere the database administrator cannot reach (a mail to the
internal auditors, a file on write-once storage), defeats that: a rewritten chain no longer has the anchored
hash at the anchored sequence number. `zhengan audit anchor` takes one (cron, daily); `zhengan audit verify
--anchors FILE` checks the chain against them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from zhengan.timeutil import utc_now
from zhengan.web.audit.chain import verify
from zhengan.web.audit.models import AuditEvent, ChainHead

HASH_LENGTH = 64


class AnchorError(ValueError):
    """An anchor that cannot be taken or read; the message is bilingual and names file and line."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str  # UTC, ISO 8601: when the anchor was taken

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def taken_at(self) -> datetime:
        return datetime.fromisoformat(self.at)


@dataclass(frozen=True)
class AnchorCheck:
    anchors: int
    problems: list[tuple[str, str]]  # (zh, en), one per anchor the chain no longer agrees with

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        if self.ok:
            return f"鏈與 {self.anchors} 個錨點一致。 / The chain agrees with {self.anchors} anchors."
        return "\n".join(f"{zh} / {en}" for zh, en in self.problems)


def take() -> Anchor:
    """The newest record's number and hash, only from a chain that verifies (an anchor vouches for it)."""
    result = verify()
    if not result.ok:
        raise AnchorError(
            f"稽核紀錄鏈不完整，不建立錨點：{result.problem_zh} / the chain is broken, no anchor: {result.problem_en}"
        )
    head = ChainHead.objects.filter(id=1).first()
    if head is None or head.seq == 0:
        raise AnchorError("稽核紀錄尚無資料，無錨點可建立 / the audit trail is empty: nothing to anchor")
    return Anchor(seq=head.seq, hash=head.hash, at=utc_now().isoformat())


def append_to(path: Path, anchor: Anchor) -> None:
    """One JSON line per anchor; the file only grows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(anchor.line() + "\n")


def parse(text: str) -> Anchor:
    """`SEQ:HASH` as printed and mailed, e.g. `1532:9f86d0…` (the full 64-character hash)."""
    seq, _, digest = text.strip().partition(":")
    if not seq.isdigit() or len(digest) != HASH_LENGTH or any(c not in "0123456789abcdef" for c in digest):
        raise AnchorError(
            f"錨點格式應為「序號:雜湊值」（64 位十六進位）：{text!r} / an anchor is SEQ:HASH (64 hex digits): {text!r}"
        )
    return Anchor(seq=int(seq), hash=digest, at="")


def read(path: Path) -> list[Anchor]:
    """Every anchor in a file written by append_to; a bad line is an error naming file, line and field."""
    anchors = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise AnchorError(
            f"無法讀取錨點檔 {path}：{error} / cannot read the anchor file {path}: {error}"
        ) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise AnchorError(f"{where}：不是 JSON（{error.msg}）/ {where}: not JSON ({error.msg})") from None
        for field, kind in (("seq", int), ("hash", str), ("at", str)):
            if not isinstance(record, dict) or not isinstance(record.get(field), kind):
                raise AnchorError(
                    f"{where}：欄位 {field} 缺少或型別錯誤 / {where}: field {field} missing or of the wrong type"
                )
        try:
            parse(f"{record['seq']}:{record['hash']}")
            datetime.fromisoformat(record["at"])
        except (AnchorError, ValueError):
            raise AnchorError(
                f"{where}：欄位 seq、hash 或 at 之值無效 / {where}: field seq, hash or at is not valid"
            ) from None
        anchors.append(Anchor(seq=record["seq"], hash=record["hash"], at=record["at"]))
    return anchors


def check(anchors: list[Anchor]) -> AnchorCheck:
    """Does the chain still hold each anchored hash at its sequence number?"""
    problems = []
    wanted = {anchor.seq for anchor in anchors}
    present = dict(AuditEvent.objects.filter(seq__in=wanted).values_list("seq", "hash"))
    for anchor in sorted(anchors, key=lambda a: a.seq):
        when = f"（{anchor.at}）" if anchor.at else ""
        when_en = f" (taken {anchor.at})" if anchor.at else ""
        found = present.get(anchor.seq)
        if found is None:
            problems.append(
                (
                    f"錨點{when}所記第 {anchor.seq} 筆紀錄已不存在：紀錄遭刪除或截斷",
                    f"record {anchor.seq} of the anchor{when_en} is gone: records were removed or truncated",
                )
            )
        elif found != anchor.hash:
            problems.append(
                (
                    f"第 {anchor.seq} 筆紀錄之雜湊值與錨點{when}不符：其本身或之前的紀錄遭改寫",
                    f"record {anchor.seq} no longer has the anchored hash{when_en}: it or a record before it was rewritten",
                )
            )
    return AnchorCheck(anchors=len(anchors), problems=problems)


def auditor_addresses() -> list[str]:
    """The internal auditors' e-mail addresses (AP-8.2 sends follow-up to the audit unit; so does this)."""
    from zhengan.web.accounts.models import User
    from zhengan.web.accounts.roles import INTERNAL_AUDITOR

    return sorted(
        User.objects.filter(role=INTERNAL_AUDITOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def mail(anchor: Anchor, recipients: list[str]) -> None:
    """Send the anchor to people outside the database's reach; they keep the message."""
    from django.core.mail import EmailMessage

    from zhengan.timeutil import to_taipei

    shown = to_taipei(anchor.taken_at()).strftime("%Y-%m-%d %H:%M:%S")
    body = "\n".join(
        [
            "證安 zhengan 稽核紀錄鏈錨點（SR-4）",
            f"時間（台北）：{shown}",
            f"最新紀錄序號：{anchor.seq}",
            f"雜湊值：{anchor.hash}",
            "",
            "請保存本郵件。日後可執行下列指令，確認稽核紀錄未遭改寫：",
            f"    zhengan audit verify --anchor {anchor.seq}:{anchor.hash}",
            "",
            "zhengan audit-trail anchor (SR-4)",
            f"Taken (Taipei time): {shown}",
            f"Newest record: {anchor.seq}",
            f"Hash: {anchor.hash}",
            "",
            "Keep this message. To confirm later that the audit trail was not rewritten, run the command above.",
        ]
    )
    EmailMessage(
        subject=f"[zhengan] 稽核紀錄錨點 audit-trail anchor #{anchor.seq}",
        body=body,
        to=recipients,
        headers={"Content-Language": "zh-TW, en"},
    ).send()
