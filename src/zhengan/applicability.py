"""Applicability: a firm profile and a control give (applies?, reason in zh and en).

The conditions come from the texts themselves and are ANDed down the catalogue's tree: the document's
(證券商 / 期貨商), then each section's (「適用網際網路下單證券商」), then the clause's own (第一類證券商).
A clause about a kind of system (core systems, electronic-trading systems ...) applies to the firm "for
those systems"; the register decides system by system later.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from zhengan.catalog.expression import evaluate
from zhengan.catalog.loader import Catalog
from zhengan.catalog.schema import Applicability, Control, Strength
from zhengan.profile import FirmProfile
from zhengan.text import Text
from zhengan.timeutil import utc_now


@dataclass(frozen=True)
class ConditionResult:
    condition: Applicability
    met: bool


@dataclass(frozen=True)
class Decision:
    control_id: str
    applies: bool
    reason: Text
    strength: Strength
    conditions: tuple[ConditionResult, ...]
    system_scope: tuple[str, ...] = ()
    better_standard: str | None = None  # a foreign firm's declared standard that may satisfy the clause


def _scope_words(catalog: Catalog, scopes: tuple[str, ...]) -> Text | None:
    if not scopes:
        return None
    labels = [catalog.scope_label(s) for s in scopes]
    return Text(
        zh="且".join(label.zh for label in labels), en=" that are also ".join(label.en for label in labels)
    )


def _who(condition: Applicability) -> str:
    """The quoted condition without a leading 「適用」 of its own (「適用網際網路下單期貨商」), so reasons read
    「適用：網際網路下單期貨商」 rather than 「適用：適用…」."""
    return condition.condition.zh.removeprefix("適用")


def decide(catalog: Catalog, control_id: str, profile: FirmProfile) -> Decision:
    """Does `control_id` bind the firm described by `profile`, and why (in both languages)?"""
    control = catalog.control(control_id)
    facts = profile.facts()
    results = tuple(ConditionResult(c, evaluate(c.when, facts)) for c in catalog.conditions(control_id))
    unmet = [r.condition for r in results if not r.met]
    scopes = tuple(control.system_scope)
    if unmet:
        first = unmet[0]
        reason = Text(
            zh=f"不適用：本條適用於「{_who(first)}」，本公司不符。",
            en=f"Does not apply: it binds {first.condition.en}; the firm is not one.",
        )
        return Decision(control_id, False, reason, control.strength, results, scopes)

    # The most specific conditions explain best; the document's own is the fallback.
    specific = [r.condition for r in results[1:]] or [results[0].condition]
    zh = "適用：" + "；".join(dict.fromkeys(_who(c) for c in specific))
    en = "Applies: " + "; ".join(dict.fromkeys(c.condition.en for c in specific))
    scope = _scope_words(catalog, scopes)
    if scope is not None:
        zh += f"（適用於{scope.zh}）"
        en += f" (for {scope.en})"
    better = None
    if profile.foreign and catalog.foreign_better_standard(control_id):
        better = profile.better_group_standard
        if better:
            zh += f"；外國證券商得從其較佳之規範：{better}"
            en += f"; as a foreign firm it may follow its better standard: {better}"
        else:
            zh += "；外國證券商未宣告較佳之規範，應遵守本國規範"
            en += "; the foreign firm declared no better standard, so the Taiwanese rule applies"
    return Decision(
        control_id, True, Text(zh=zh + "。", en=en + "."), control.strength, results, scopes, better
    )


@dataclass(frozen=True)
class SummaryRow:
    prefix: str
    title: Text
    strength: Strength
    applicable: int
    not_applicable: int


@dataclass
class Statement:
    """The statement of applicability: every control with its decision and reason."""

    profile: FirmProfile
    decisions: list[Decision]
    catalog: Catalog
    generated_at: datetime = field(default_factory=utc_now)

    def applicable(self) -> list[Decision]:
        return [d for d in self.decisions if d.applies]

    def control(self, control_id: str) -> Control:
        return self.catalog.control(control_id)

    def summary(self) -> list[SummaryRow]:
        counts: Counter[tuple[str, Strength, bool]] = Counter(
            (self.catalog.document_of(d.control_id).prefix, d.strength, d.applies) for d in self.decisions
        )
        rows = []
        for document in self.catalog.documents:
            for strength in Strength:
                yes = counts[(document.prefix, strength, True)]
                no = counts[(document.prefix, strength, False)]
                if yes or no:
                    rows.append(SummaryRow(document.prefix, document.title, strength, yes, no))
        return rows


def statement(catalog: Catalog, profile: FirmProfile) -> Statement:
    return Statement(profile, [decide(catalog, cid, profile) for cid in catalog.controls], catalog)
