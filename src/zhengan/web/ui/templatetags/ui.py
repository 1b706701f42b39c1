"""Template filters: pick the current language from a bilingual Text; show UTC moments in Taipei."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

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
