"""The per-user iCalendar feed: a token-protected URL outside the session, parsed back with icalendar."""

from __future__ import annotations

import re
from datetime import date

import icalendar
import pytest
from django.urls import reverse

from tests.web.conftest import sign_in_fully
from zhengan.web.audit.models import AuditEvent
from zhengan.web.obligations import services
from zhengan.web.obligations.models import FeedToken, OwnerAssignment

pytestmark = pytest.mark.django_db


def _feed_url(client) -> str:
    page = client.post(reverse("obligations:feed_regenerate")).content.decode()
    return re.search(r'<code id="feed-url">([^<]+)</code>', page).group(1)


def test_the_feed_lists_the_users_obligations_and_parses(client, make_user, firm_profile, calendar_from):
    calendar_from(date(2026, 1, 1))
    engineer = make_user("it_security", full_name="王資安")
    OwnerAssignment.objects.create(key="SR-3.3", user=engineer)  # in person
    OwnerAssignment.objects.create(key="SR-7.8", role="it_security")  # through the role
    OwnerAssignment.objects.create(key="AP-2.2", role="compliance_officer")  # someone else's
    sign_in_fully(client, engineer)
    url = _feed_url(client)
    assert FeedToken.objects.get(user=engineer).token_sha256 not in url  # only the hash is stored
    assert AuditEvent.objects.filter(event_type="obligation_feed_token_created").count() == 1

    client.logout()  # calendar clients have no session
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    feed = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]).removeprefix("【逾期】").split(" ")[0]: e for e in feed.walk("VEVENT")}
    assert set(events) == {"SR-3.3", "SR-7.8"}
    review = events["SR-3.3"]
    assert review.decoded("dtstart") == date(2026, 7, 1)
    assert "王資安" in str(feed["x-wr-calname"])
    assert services.ref_of("SR-3.3") in str(review["url"])


def test_a_wrong_or_replaced_token_is_refused(client, make_user, firm_profile, calendar_from):
    calendar_from(date(2026, 1, 1))
    user = make_user("compliance_officer")
    sign_in_fully(client, user)
    assert 'id="feed-none"' in client.get(reverse("obligations:feed_settings")).content.decode()
    first = _feed_url(client)
    assert 'id="feed-exists"' in client.get(reverse("obligations:feed_settings")).content.decode()
    second = _feed_url(client)
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    other = make_user("it_security")
    token = second.rsplit("/", 1)[1].removesuffix(".ics")
    wrong_user = reverse("obligations:feed", kwargs={"user_id": other.pk, "token": token})
    assert client.get(wrong_user).status_code == 404
    user.is_active = False
    user.save()
    assert client.get(second).status_code == 404
