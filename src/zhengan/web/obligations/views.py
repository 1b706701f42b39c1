"""The obligations calendar pages (issue #5): overdue, due soon, a month, per owner, one obligation (owner,
history, complete), events, and the per-user iCalendar feed. Thin: the work is in services and the core."""

from __future__ import annotations

import calendar
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhengan import obligations as core
from zhengan.catalog.loader import load_catalog
from zhengan.ical import MEDIA_TYPE, render_calendar
from zhengan.text import Text
from zhengan.web.accounts.roles import role_required
from zhengan.web.audit.events import log
from zhengan.web.obligations import services
from zhengan.web.obligations.forms import AssignForm, CompleteForm, EventForm

DAY_CHOICES = (30, 90)


def _today() -> date:
    return timezone.localdate()


@role_required("obligations:overdue")
def overdue_view(request):
    today = _today()
    everything = services.current_obligations()
    late = core.overdue(services.calendar_obligations(everything), today)
    daily = [o for o in everything if services.routine(o)]
    return render(
        request,
        "obligations/overdue.html",
        {"rows": services.rows(late, today), "daily": services.rows(daily, today), "today": today},
    )


@role_required("obligations:upcoming")
def upcoming_view(request):
    today = _today()
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    if days not in DAY_CHOICES:
        days = 30
    soon = core.due_within(services.calendar_obligations(services.current_obligations()), today, days)
    return render(
        request,
        "obligations/upcoming.html",
        {"rows": services.rows(soon, today), "days": days, "day_choices": DAY_CHOICES, "today": today},
    )


def _month(text: str, today: date) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


@role_required("obligations:month")
def month_view(request):
    today = _today()
    year, month = _month(request.GET.get("month", ""), today)
    obligations = services.calendar_obligations(services.current_obligations())
    view = core.month_view(obligations, year, month)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    weeks = [
        [(day, [(e, services.ref_of(e.obligation.key)) for e in view.on(day)] if day else []) for day in week]
        for week in view.weeks
    ]
    firm_choice = any(e.obligation.firm_choice for day in view.entries.values() for e in day)
    return render(
        request,
        "obligations/month.html",
        {
            "view": view,
            "weeks": weeks,
            "title": date(year, month, 1),
            "previous": f"{previous[0]:04d}-{previous[1]:02d}",
            "following": f"{following[0]:04d}-{following[1]:02d}",
            "weekdays": list(calendar.Calendar(calendar.SUNDAY).iterweekdays()),
            "today": today,
            "firm_choice": firm_choice,
        },
    )


@role_required("obligations:owners")
def owners_view(request):
    today = _today()
    obligations = [o for o in services.calendar_obligations(services.current_obligations()) if not o.done]
    only_mine = request.GET.get("mine") == "1"
    if only_mine:
        obligations = services.mine(obligations, request.user)
    groups = [
        (services.owner_label(owner), services.rows(items, today))
        for owner, items in core.by_owner(obligations).items()
    ]
    return render(request, "obligations/owners.html", {"groups": groups, "mine": only_mine, "today": today})


def _obligation(ref: str) -> core.Obligation:
    found = services.find(services.current_obligations(), ref)
    if found is None:
        raise Http404(ref)
    return found


def _detail(request, obligation, *, form=None, assign_form=None, status=200):
    catalog = load_catalog()
    today = _today()
    return render(
        request,
        "obligations/detail.html",
        {
            "o": obligation,
            "ref": services.ref_of(obligation.key),
            "control": catalog.control(obligation.control_id),
            "document": catalog.document_of(obligation.control_id),
            "owner": services.owner_label(obligation.owner),
            "status": core.status(obligation, today).value,
            "status_label": core.STATUS_LABELS[core.status(obligation, today)],
            "history": services.history(obligation),
            "form": form or CompleteForm(),
            "assign_form": assign_form
            or AssignForm(initial={"owner": services.owner_value(obligation.owner)}),
            "routine": services.routine(obligation),
            "today": today,
        },
        status=status,
    )


@role_required("obligations:detail")
def detail_view(request, ref: str):
    return _detail(request, _obligation(ref))


@role_required("obligations:complete")
def complete_view(request, ref: str):
    obligation = _obligation(ref)
    if request.method != "POST":
        return redirect("obligations:detail", ref=ref)
    form = CompleteForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            completion = services.complete(
                obligation,
                done_on=data["done_on"],
                note=data["note"],
                uploads=data["files"],
                user=request.user,
            )
        except (services.CompletionRefused, ValueError) as error:
            form.add_error(None, str(error))
        else:
            after = services.find(services.current_obligations(), ref)
            log(
                request,
                "obligation_completed",
                obj_type="obligation",
                obj_id=obligation.key,
                before={"next_due": obligation.next_due.isoformat() if obligation.next_due else None},
                after={
                    **completion.snapshot(),
                    "next_due": after.next_due.isoformat() if after and after.next_due else None,
                },
            )
            messages.success(request, _("The completion was recorded with its evidence."))
            return redirect("obligations:detail", ref=ref)
    return _detail(request, obligation, form=form, status=200)


@role_required("obligations:assign")
def assign_view(request, ref: str):
    obligation = _obligation(ref)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = obligation.control_id if form.cleaned_data["apply_to"] == "control" else obligation.key
        before, after = services.assign(key, form.cleaned_data["owner"], request.user)
        log(
            request,
            "obligation_owner_assigned",
            obj_type="obligation",
            obj_id=key,
            before=before,
            after=after,
        )
        messages.success(request, _("The owner was saved."))
    elif request.method == "POST":
        messages.error(request, _("Choose an owner and what it applies to."))
    return redirect("obligations:detail", ref=ref)


@role_required("obligations:events")
def events_view(request):
    from zhengan.web.obligations.models import RecordedEvent

    form = EventForm(language=get_language() or "zh-hant")
    labels = dict(services.triggers())
    events = [
        (e, labels.get(e.trigger)) for e in RecordedEvent.objects.select_related("system", "recorded_by")
    ]
    return render(request, "obligations/events.html", {"form": form, "events": events})


@role_required("obligations:record_event")
def record_event_view(request):
    form = EventForm(request.POST or None, language=get_language() or "zh-hant")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event, brought = services.record_event(
            trigger=data["trigger"],
            occurred_on=data["occurred_on"],
            reference=data["reference"],
            system=data["system"],
            user=request.user,
        )
        log(
            request,
            "obligation_event_recorded",
            obj_type="obligation_event",
            obj_id=event.pk,
            after=event.snapshot(),
        )
        if brought:
            messages.success(
                request,
                _("The event was recorded; it brings: %(list)s")
                % {"list": ", ".join(f"{o.control_id} ({o.next_due.isoformat()})" for o in brought)},
            )
        else:
            messages.info(request, _("The event was recorded; no applicable control is due because of it."))
        return redirect("obligations:events")
    if request.method == "POST":
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("obligations:events")


@role_required("obligations:feed_settings")
def feed_settings_view(request):
    return render(
        request,
        "obligations/feed.html",
        {"created": services.feed_created(request.user), "url": None},
    )


@role_required("obligations:feed_regenerate")
def feed_regenerate_view(request):
    if request.method != "POST":
        return redirect("obligations:feed_settings")
    had = services.feed_created(request.user) is not None
    token = services.regenerate_feed_token(request.user)
    log(
        request,
        "obligation_feed_token_created",
        obj_type="user",
        obj_id=request.user.pk,
        detail={"replaced": had},
    )
    url = request.build_absolute_uri(
        reverse("obligations:feed", kwargs={"user_id": request.user.pk, "token": token})
    )
    return render(
        request, "obligations/feed.html", {"created": services.feed_created(request.user), "url": url}
    )


def feed_view(request, user_id: int, token: str):
    """PUBLIC (calendar clients send no session): the token in the URL is the credential."""
    user = services.feed_user(user_id, token)
    if user is None:
        raise Http404("feed")
    today = _today()
    obligations = services.mine(services.calendar_obligations(services.current_obligations()), user)
    body = render_calendar(
        obligations,
        load_catalog(),
        Text(zh=f"證安法遵義務：{user.full_name}", en=f"zhengan obligations: {user.full_name}"),
        today=today,
        alarm_days_before=7,
        link_for=lambda o: request.build_absolute_uri(
            reverse("obligations:detail", kwargs={"ref": services.ref_of(o.key)})
        ),
    )
    response = HttpResponse(body, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = 'inline; filename="zhengan.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
