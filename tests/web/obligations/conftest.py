from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def calendar_from(db):
    """Set the day the calendar counts from (a control never done is first due one period after it)."""
    from zhengan.web.obligations.models import CalendarStart

    def start(day: date) -> date:
        CalendarStart.objects.update_or_create(id=1, defaults={"counting_from": day})
        return day

    return start


@pytest.fixture
def core_system(db):
    from zhengan.web.register.models import InformationSystem

    return InformationSystem.objects.create(
        name="集中交易主機",
        owner="資訊部",
        core=True,
        customer_internet_service=True,
        stores_customer_data=True,
    )
