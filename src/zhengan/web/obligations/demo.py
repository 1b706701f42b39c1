"""Demo data for `zhengan demo` (called by zhengan.web.bootstrap.load_demo inside its transaction).

Owners for a few obligations, and one completion with an evidence file: the half-yearly account review
(SR-3.3) done seven months ago, so the calendar shows it overdue by about a month.
"""

from __future__ import annotations

import io

from django.utils import timezone

from zhengan.schedule import add_months
from zhengan.web.obligations.models import Completion, OwnerAssignment

OWNERS = {
    "SR-3.3": ("user", "it_security"),  # 帳號權限定期審查: the IT security engineer in person
    "SR-7.8": ("role", "it_security"),  # 弱點掃描
    "AP-2.2": ("role", "compliance_officer"),  # 評估計畫每三年檢討
    "CC17010-6.8": ("role", "compliance_officer"),  # 社交工程演練
}

REVIEW = (
    "帳號,姓名,角色,審查結果\nchen.trader,陳交易員,交易,保留\nold.contractor,前外包人員,維運,停用（已離職）\n"
).encode()


def seed(users: dict) -> None:
    """`users`: role -> the demo User of that role. Idempotent."""
    from zhengan.web.obligations import services

    for key, (kind, role) in OWNERS.items():
        if OwnerAssignment.objects.filter(key=key).exists():
            continue
        if kind == "user":
            OwnerAssignment.objects.create(key=key, user=users[role])
        else:
            OwnerAssignment.objects.create(key=key, role=role)
    if Completion.objects.filter(control_id="SR-3.3").exists():
        return
    obligation = next((o for o in services.current_obligations() if o.key == "SR-3.3"), None)
    if obligation is None:  # SR-3.3 does not apply to this firm's profile
        return
    upload = io.BytesIO(REVIEW)
    upload.name = "account-review.csv"
    services.complete(
        obligation,
        done_on=add_months(timezone.localdate(), -7),
        note="半年度帳號權限審查：停用離職外包人員帳號 1 個 / half-yearly account review: 1 leaver's account disabled",
        uploads=[upload],
        user=users["it_security"],
    )
