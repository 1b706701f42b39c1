"""The pydantic schema of the regulation catalogue.

One YAML file per source document (``catalog/data/*.yaml``) is validated against `Document`.
A document holds three kinds of entry, all with ids that follow the source's own numbering:

- `Section`: a heading (第三條 資通系統存取控制, (二)網路設備之安全管理) that groups controls;
- `Control`: a numbered clause that states an obligation, quoted verbatim;
- `Informative`: purpose, definition (the glossary), scope, penalty and enactment articles.

Nothing here reads files or knows Django; `loader.py` does the reading and cross-checks.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from zhengan.text import Text

# Control ids per source document (issue #3). The prefix says which rulebook; the numbers follow it.
ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "SR": re.compile(r"^SR-\d+(\.\d+){0,2}$"),
    # An un-numbered later paragraph (項) of an article is `.p<N>`: 第七條第二項 = ET-7.p2.
    "ET": re.compile(r"^ET-\d+(\.p\d+|(\.\d+){1,3})?$"),
    "CC17010": re.compile(r"^CC17010-\d+(\.\d+){0,2}(\.[A-Z])?$"),
    "FC": re.compile(r"^FC-\d+(\.\d+)?(\.[a-z]){0,2}$"),
    "AP": re.compile(r"^AP-\d+(\.\d+){0,3}$"),
}

# An ISO 8601 duration in whole years, months or days: P3Y, P6M, P2M, P1D.
Duration = Annotated[str, StringConstraints(pattern=r"^P(\d+Y|\d+Y\d+M|\d+Y\d+M\d+D|\d+M|\d+M\d+D|\d+D)$")]


class Strength(StrEnum):
    """應 / 不得 / 須 = must, 宜 = should, 得 = may."""

    MUST = "must"
    SHOULD = "should"
    MAY = "may"


class Period(StrEnum):
    """How often a control recurs, when the text says so."""

    DAILY = "daily"  # 每日、逐日
    MONTHLY = "monthly"  # 每月
    HALF_YEARLY = "half_yearly"  # 每半年
    YEARLY = "yearly"  # 每年
    EVERY_3_YEARS = "every_3_years"  # 每三年
    EVERY_5_YEARS = "every_5_years"  # 每五年
    BY_SECURITY_TIER = (
        "by_security_tier"  # 依所屬資安分級定期辦理: the tier annex is not a source; firm-configured
    )
    FIRM_DEFINED = "firm_defined"  # 定期 with no interval: the firm sets it


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    # The citation as a Chinese label a user would say: 第三條第六款, (八)1.(3)A., 7.(1)b.(c), 4、6.3
    citation: str


class Applicability(BaseModel):
    """Whom a clause binds: an expression over the firm profile's facts, and the words of the text.

    `when` uses the facts of `zhengan.profile.FACTS` with `and`, `or`, `not` and parentheses.
    `condition.zh` quotes the source (it must be found in it); `condition.en` renders it.
    """

    model_config = ConfigDict(extra="forbid")

    when: str
    condition: Text


class SentenceStrength(BaseModel):
    """Where one clause mixes 應 and 宜 (SR-6.8), the strength of each sentence."""

    model_config = ConfigDict(extra="forbid")

    text: str  # a part of the control's verbatim text
    strength: Strength


class Event(BaseModel):
    """An event that makes the control due: before release, a confirmed incident, a leaver ..."""

    model_config = ConfigDict(extra="forbid")

    trigger: str  # a key of vocabulary.yaml `triggers`
    within: Duration | None = None  # the deadline after the event, when the text fixes one
    text: str | None = None  # the verbatim words that say so, e.g. 應於三個月內


class Retention(BaseModel):
    """How long records must be kept."""

    model_config = ConfigDict(extra="forbid")

    duration: Duration  # at least this long
    records: Text  # what is kept
    text: str  # the verbatim words, e.g. 至少保存三年


class Section(Entry):
    """A heading that groups controls; it may narrow whom its controls bind."""

    title: Text
    text: str | None = None  # verbatim heading or lead-in, when it is not itself an obligation
    applicability: Applicability | None = None


class Control(Entry):
    """One numbered clause that states an obligation."""

    title: Text | None = None
    text: str  # verbatim zh-TW (for CC-17010: the text after amendment)
    text_en: str  # the project's English rendering
    strength: Strength
    sentence_strengths: list[SentenceStrength] = Field(default_factory=list)
    applicability: Applicability | None = None  # adds to the document's and the parents' conditions
    # 「外國證券商如有標準較佳之規範則從其規範」: a declared better group standard may satisfy it
    foreign_better_standard: bool = False
    system_scope: list[str] = Field(
        default_factory=list
    )  # keys of vocabulary.yaml `system_scopes`; all must hold
    period: Period | None = None
    period_text: str | None = None  # the verbatim words that fix the period: 至少每半年一次, 定期
    events: list[Event] = Field(default_factory=list)
    retention: list[Retention] = Field(default_factory=list)
    evidence: list[Text] = Field(min_length=1)
    tags: list[str] = Field(min_length=1)  # keys of vocabulary.yaml `tags`
    related: list[str] = Field(default_factory=list)  # ids in any document that say the same thing
    notes: Text | None = None  # how zhengan reads an ambiguous clause, with the reason

    @model_validator(mode="after")
    def _period_words_need_period(self) -> Control:
        if self.period_text and self.period is None:
            raise ValueError(f"{self.id}: period_text given without a period")
        return self


class InformativeKind(StrEnum):
    PURPOSE = "purpose"
    DEFINITION = "definition"
    SCOPE = "scope"
    LEGAL_BASIS = "legal_basis"
    PENALTY = "penalty"
    ENACTMENT = "enactment"
    NOTE = "note"


class Informative(Entry):
    """Text that informs but does not oblige: purpose, definitions (the glossary), penalty, enactment."""

    kind: InformativeKind
    text: str
    text_en: str
    term: Text | None = None  # for definitions: the defined term


class Document(BaseModel):
    """One source document and every numbered entry of it."""

    model_config = ConfigDict(extra="forbid")

    prefix: str  # SR, ET, CC17010, FC, AP
    source_file: str  # the file name under ../shared/seeds/ (copied to catalog/sources/)
    title: Text
    issuer: Text
    applicability: Applicability  # whom the whole document binds
    notes: list[Text] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)
    informative: list[Informative] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_follow_the_numbering(self) -> Document:
        pattern = ID_PATTERNS.get(self.prefix)
        if pattern is None:
            raise ValueError(f"unknown prefix {self.prefix!r}; expected one of {sorted(ID_PATTERNS)}")
        seen: set[str] = set()
        for entry in [*self.sections, *self.controls, *self.informative]:
            if not pattern.match(entry.id):
                raise ValueError(
                    f"id {entry.id!r} does not follow the {self.prefix} numbering ({pattern.pattern})"
                )
            if entry.id in seen:
                raise ValueError(f"id {entry.id!r} appears twice")
            seen.add(entry.id)
        return self


class VocabularyTerm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Text


class Vocabulary(BaseModel):
    """Controlled words for tags, system scopes and event triggers, each with zh/en labels."""

    model_config = ConfigDict(extra="forbid")

    tags: dict[str, VocabularyTerm]
    system_scopes: dict[str, VocabularyTerm]
    triggers: dict[str, VocabularyTerm]
