"""The obligations as an iCalendar (RFC 5545) feed, so they appear in Outlook or Google Calendar.

One VEVENT per open obligation, on its next due date as an all-day event (DTSTART;VALUE=DATE, DTEND the
day after). The UID is derived from the obligation key alone, so a calendar that re-reads the feed moves
the event when it is completed rather than adding a second one; SEQUENCE counts the completions so that
clients see the change. SUMMARY is Chinese then English; DESCRIPTION carries the control id, its citation,
the period and whose choice it is, and the verbatim text. A VALARM N days before is optional.

The web layer serves the bytes at a per-user URL with a secret token (`new_feed_token`, `token_matches`)
and the `text/calendar; charset=utf-8` media type (`MEDIA_TYPE`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

import icalendar

from zhengan.catalog.loader import Catalog
from zhengan.obligations import Obligation, sort_by_due
from zhengan.text import Text
from zhengan.timeutil import utc_now

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//zhengan//obligations calendar//ZH-TW"
REFRESH = timedelta(hours=12)  # RFC 7986 REFRESH-INTERVAL and Outlook's X-PUBLISHED-TTL
OVERDUE = Text(zh="【逾期】", en="[Overdue] ")


def uid_of(obligation: Obligation, domain: str = "zhengan") -> str:
    """A stable, opaque UID: the same obligation key gives the same UID in every rendering."""
    return f"{hashlib.sha256(obligation.key.encode('utf-8')).hexdigest()[:32]}@{domain}"


def new_feed_token() -> str:
    """A fresh secret for a user's feed URL (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_matches(presented: str, stored: str) -> bool:
    """Compare a presented feed token with the stored one in constant time."""
    return hmac.compare_digest(presented.encode("utf-8"), stored.encode("utf-8"))


def summary(obligation: Obligation, today: date | None = None) -> str:
    """「SR-3.3 帳號權限定期審查 / Periodic review of account privileges」, marked when overdue."""
    where = f"（{obligation.system}）" if obligation.system else ""
    where_en = f" ({obligation.system})" if obligation.system else ""
    zh = f"{obligation.control_id} {obligation.title.zh}{where}"
    en = f"{obligation.title.en}{where_en}"
    if today is not None and obligation.is_overdue(today):
        zh, en = OVERDUE.zh + zh, OVERDUE.en + en
    return f"{zh} / {en}"


def description(obligation: Obligation, catalog: Catalog, link: str | None = None) -> str:
    """Chinese block first, then English: control id and citation, schedule, owner, verbatim text."""
    control = catalog.control(obligation.control_id)
    document = catalog.document_of(obligation.control_id).title
    owner = obligation.owner.label() if obligation.owner else Text(zh="未指派", en="unassigned")
    choice = (
        Text(
            zh="週期由公司自訂（條文未定明確週期）",
            en="the period is the firm's own choice (the text fixes none)",
        )
        if obligation.firm_choice
        else None
    )
    zh = [
        f"控制項：{obligation.control_id}（{document.zh} {obligation.citation}）",
        f"到期日：{obligation.next_due.isoformat() if obligation.next_due else '已完成'}",
        f"負責人：{owner.zh}",
        f"週期或期限：{obligation.schedule_reason.zh}",
    ]
    en = [
        f"Control: {obligation.control_id} ({document.en}, {obligation.citation})",
        f"Due: {obligation.next_due.isoformat() if obligation.next_due else 'done'}",
        f"Owner: {owner.en}",
        f"Period or deadline: {obligation.schedule_reason.en}",
    ]
    if choice:
        zh.append(choice.zh)
        en.append(choice.en)
    if obligation.period_text:
        zh.append(f"條文用語：「{obligation.period_text}」")
    if obligation.scope:
        zh.append(f"適用範圍：{obligation.scope.zh}")
        en.append(f"Scope: {obligation.scope.en}")
    if obligation.system:
        zh.append(f"資通系統：{obligation.system}")
        en.append(f"System: {obligation.system}")
    zh.append(f"條文：{control.text}")
    en.append(f"Text: {control.text_en}")
    if link:
        zh.append(f"連結：{link}")
        en.append(f"Link: {link}")
    return "\n".join([*zh, "", *en])


def render_calendar(
    obligations: Iterable[Obligation],
    catalog: Catalog,
    name: Text,
    *,
    generated_at: datetime | None = None,
    today: date | None = None,
    alarm_days_before: int | None = None,
    link_for: Callable[[Obligation], str] | None = None,
    uid_domain: str = "zhengan",
) -> bytes:
    """The RFC 5545 bytes of a feed of the open obligations (completed event obligations are left out).

    `today` marks overdue events in their SUMMARY; `generated_at` (UTC, default now) is every DTSTAMP.
    """
    stamp = generated_at or utc_now()
    if stamp.tzinfo is None:
        raise ValueError("generated_at must be an aware UTC datetime / generated_at 須標示時區")
    if alarm_days_before is not None and alarm_days_before < 0:
        raise ValueError("alarm_days_before must not be negative / 提醒天數不得為負")
    feed = icalendar.Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name.both())
    feed.add("x-wr-caldesc", "證安法遵義務行事曆 / zhengan obligations calendar")
    feed.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", REFRESH)
    for obligation in sort_by_due(obligations):
        if obligation.next_due is None:
            continue
        event = icalendar.Event()
        event.add("uid", uid_of(obligation, uid_domain))
        event.add("dtstamp", stamp)
        event.add("dtstart", obligation.next_due)
        event.add("dtend", obligation.next_due + timedelta(days=1))
        event.add("sequence", len(obligation.completions))
        event.add("summary", summary(obligation, today))
        link = link_for(obligation) if link_for else None
        event.add("description", description(obligation, catalog, link))
        event.add("categories", [obligation.control_id.split("-")[0], "zhengan"])
        event.add("transp", "TRANSPARENT")  # a due date, not a meeting: it does not block the day
        if link:
            event.add("url", link)
        if alarm_days_before is not None:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(days=-alarm_days_before))
            alarm.add("description", summary(obligation))
            event.add_component(alarm)
        feed.add_component(event)
    return feed.to_ical()
