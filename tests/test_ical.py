"""The iCalendar feed: RFC 5545 bytes that parse back with the `icalendar` package, all-day due dates,
stable UIDs, bilingual SUMMARY, DESCRIPTION with control id, citation and text, optional VALARM."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest

from zhengan.applicability import statement
from zhengan.ical import MEDIA_TYPE, new_feed_token, render_calendar, token_matches, uid_of
from zhengan.obligations import Owner, complete, derive_obligations, record_event
from zhengan.text import Text

START = date(2026, 1, 1)
STAMP = datetime(2026, 6, 15, 1, 30, tzinfo=UTC)
NAME = Text(zh="王小明的法遵行事曆", en="Wang's obligations")


@pytest.fixture(scope="module")
def first(catalog, profiles):
    return statement(catalog, profiles["first_category_securities"])


@pytest.fixture(scope="module")
def obligations(first):
    owners = {"SR-3.3": Owner(kind="role", name="資安長")}
    return derive_obligations(first, START, owners=owners)


def events_by_control(feed: bytes) -> dict[str, icalendar.Event]:
    parsed = icalendar.Calendar.from_ical(feed)
    result = {}
    for event in parsed.walk("VEVENT"):
        control_id = str(event["summary"]).split(" ", 1)[0].removeprefix("【逾期】")
        result[control_id] = event
    return result


def test_the_feed_parses_back_with_one_all_day_event_per_open_obligation(catalog, obligations):
    feed = render_calendar(obligations, catalog, NAME, generated_at=STAMP)
    parsed = icalendar.Calendar.from_ical(feed)
    assert str(parsed["version"]) == "2.0" and "zhengan" in str(parsed["prodid"])
    assert str(parsed["x-wr-calname"]) == "王小明的法遵行事曆 / Wang's obligations"
    events = list(parsed.walk("VEVENT"))
    assert len(events) == len(obligations)
    review = events_by_control(feed)["SR-3.3"]
    start = review.decoded("dtstart")
    assert type(start) is date and start == date(2026, 7, 1)  # a DATE, not a DATE-TIME
    assert review.decoded("dtend") == date(2026, 7, 2)
    assert review.decoded("dtstamp") == STAMP
    assert b"DTSTART;VALUE=DATE:20260701" in feed
    assert str(review["transp"]) == "TRANSPARENT"
    assert int(review["sequence"]) == 0


def test_rfc5545_framing_crlf_and_folded_lines(catalog, obligations):
    feed = render_calendar(obligations, catalog, NAME, generated_at=STAMP)
    assert feed.startswith(b"BEGIN:VCALENDAR\r\n") and feed.endswith(b"END:VCALENDAR\r\n")
    lines = feed.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets, never inside a UTF-8 character
    assert all(b"\n" not in line for line in lines)
    feed.decode("utf-8")


def test_summary_is_chinese_then_english_and_description_cites_the_control(catalog, obligations):
    review = events_by_control(render_calendar(obligations, catalog, NAME, generated_at=STAMP))["SR-3.3"]
    control = catalog.control("SR-3.3")
    assert str(review["summary"]) == f"SR-3.3 {control.title.zh} / {control.title.en}"
    text = str(review["description"])
    assert text.index("控制項：SR-3.3") < text.index("Control: SR-3.3")
    assert control.citation in text and catalog.document_of("SR-3.3").title.zh in text
    assert control.text in text and control.text_en in text
    assert "負責人：角色：資安長" in text and "Owner: role: 資安長" in text
    assert "至少每半年一次" in text


def test_firm_chosen_periods_say_so_in_the_description(catalog, obligations):
    events = events_by_control(render_calendar(obligations, catalog, NAME, generated_at=STAMP))
    assert "週期由公司自訂" in str(events["SR-4.9"]["description"])
    assert "firm's own choice" in str(events["SR-4.9"]["description"])
    assert "公司自訂" not in str(events["SR-3.3"]["description"])


def test_uids_are_stable_and_survive_a_completion(catalog, obligations):
    one = events_by_control(render_calendar(obligations, catalog, NAME, generated_at=STAMP))
    later = STAMP + timedelta(days=3)
    done = [complete(o, date(2026, 6, 20), "done") if o.key == "SR-3.3" else o for o in obligations]
    two = events_by_control(render_calendar(done, catalog, NAME, generated_at=later))
    [review] = [o for o in obligations if o.key == "SR-3.3"]
    assert str(one["SR-3.3"]["uid"]) == str(two["SR-3.3"]["uid"]) == uid_of(review)
    assert uid_of(review).endswith("@zhengan") and "SR" not in uid_of(review)
    assert two["SR-3.3"].decoded("dtstart") == date(2026, 12, 20)
    assert int(two["SR-3.3"]["sequence"]) == 1
    uids = [
        str(e["uid"])
        for e in icalendar.Calendar.from_ical(render_calendar(obligations, catalog, NAME)).walk("VEVENT")
    ]
    assert len(set(uids)) == len(uids)


def test_overdue_marking_valarm_links_and_done_events(catalog, first, obligations):
    [incident] = record_event(first, "major_incident", date(2026, 3, 10), "INC-2026-007")
    [release] = [
        o for o in record_event(first, "before_release", date(2026, 5, 1), "v3") if o.control_id == "SR-7.7"
    ]
    released = complete(release, date(2026, 4, 28), "源碼掃描完成")
    items = [*obligations, incident, released]
    feed = render_calendar(
        items,
        catalog,
        NAME,
        generated_at=STAMP,
        today=date(2026, 6, 15),
        alarm_days_before=7,
        link_for=lambda o: f"https://zhengan.example/obligations/{o.key}",
    )
    events = events_by_control(feed)
    assert "SR-7.7" not in events  # done event obligations leave the feed
    reassess = events["AP-3.3"]
    assert reassess.decoded("dtstart") == date(2026, 6, 10)
    assert str(reassess["summary"]).startswith("【逾期】AP-3.3") and "[Overdue]" in str(reassess["summary"])
    assert not str(events["SR-3.3"]["summary"]).startswith("【逾期】")
    [alarm] = list(reassess.walk("VALARM"))
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == timedelta(days=-7)
    assert (
        str(reassess["url"])
        == "https://zhengan.example/obligations/AP-3.3#major_incident:2026-03-10:INC-2026-007"
    )
    assert "三個月內" in str(reassess["description"])


def test_bad_arguments_are_refused(catalog, obligations):
    with pytest.raises(ValueError, match="時區"):
        render_calendar(obligations, catalog, NAME, generated_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="不得為負"):
        render_calendar(obligations, catalog, NAME, alarm_days_before=-1)


def test_feed_tokens():
    token = new_feed_token()
    assert len(token) >= 43 and token != new_feed_token()
    assert token_matches(token, token) and not token_matches(token[:-1] + "x", token)
    assert MEDIA_TYPE.startswith("text/calendar")
