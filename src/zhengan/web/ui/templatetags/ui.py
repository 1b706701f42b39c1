"""Template filters: pick the current language from a bilingual Text; show UTC moments in Taipei."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhengan.timeutil import format_taipei

register = template.Library()


@register.filter
def lang(text) -> str:
    """`{{ control.title|lang }}`: the Chinese or English side of a `Text`, following the page language."""
    if text is None:
        return ""
    return text.get(get_language() or "zh-hant")


@register.filter
def other_lang(text) -> str:
    if text is None:
        return ""
    return text.get("en" if (get_language() or "zh").startswith("zh") else "zh")


@register.filter
def taipei(moment) -> str:
    return format_taipei(moment) if moment else ""


STRENGTHS = {"must": _("must (應)"), "should": _("should (宜)"), "may": _("may (得)")}
PERIODS = {
    "daily": _("daily"),
    "monthly": _("monthly"),
    "half_yearly": _("every half year"),
    "yearly": _("yearly"),
    "every_3_years": _("every 3 years"),
    "every_5_years": _("every 5 years"),
    "by_security_tier": _("by security tier"),
    "firm_defined": _("set by the firm"),
}


@register.filter
def strength_label(value) -> str:
    key = getattr(value, "value", value)
    return str(STRENGTHS.get(key, key))


@register.filter
def period_label(value) -> str:
    key = getattr(value, "value", value)
    return str(PERIODS.get(key, key))
