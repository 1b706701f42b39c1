"""The normalised password and lockout policy every reader returns, whatever system it came from.

Each setting keeps its value, what the value means (a number, "never", "manual unlock", "not set"), the
raw text it was read from and where. Analysis compares these with the rules and knows no format.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from zhengan.checks.result import SourceRef
from zhengan.text import Text


class Meaning(StrEnum):
    VALUE = "value"  # an ordinary number (days, minutes, attempts, characters)
    NEVER = "never"  # the setting is off: passwords never expire, accounts never lock
    MANUAL = "manual"  # lockout lasts until an administrator unlocks the account
    NOT_SET = "not_set"  # the input does not say (a GPO that does not define the key)


class Platform(StrEnum):
    WINDOWS_LOCAL = "windows_local"  # secedit /export of the effective local (or domain) policy
    WINDOWS_GPO = "windows_gpo"  # a GPO's GptTmpl.inf: only the keys the GPO defines
    AD_DOMAIN = "ad_domain"  # Get-ADDefaultDomainPasswordPolicy
    AD_FINE_GRAINED = "ad_fine_grained"  # Get-ADFineGrainedPasswordPolicy
    LINUX = "linux"  # login.defs + pwquality + faillock + pam.d


class Setting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: float | None = None
    meaning: Meaning = Meaning.VALUE
    raw: str | None = None
    source: SourceRef | None = None
    note: Text | None = None  # how the value was interpreted (a default, a "never" value, a derived length)

    @classmethod
    def not_set(cls, note: Text | None = None, source: SourceRef | None = None) -> Setting:
        return cls(meaning=Meaning.NOT_SET, note=note, source=source)

    def shown(self) -> str:
        """The value as a person reads it."""
        if self.meaning is Meaning.NEVER:
            return "never"
        if self.meaning is Meaning.MANUAL:
            return "manual unlock"
        if self.meaning is Meaning.NOT_SET or self.value is None:
            return "not set"
        return str(int(self.value)) if float(self.value).is_integer() else f"{self.value:g}"


class PasswordPolicy(BaseModel):
    """One policy as a system applies it to its accounts."""

    model_config = ConfigDict(extra="forbid")

    subject: str  # "CORP domain default policy", "FGPP 'Tellers' (precedence 10)", "linux host web01"
    platform: Platform
    min_length: Setting = Field(default_factory=Setting.not_set)
    min_classes: Setting = Field(default_factory=Setting.not_set)  # character classes a password must mix
    max_age_days: Setting = Field(default_factory=Setting.not_set)
    min_age_days: Setting = Field(default_factory=Setting.not_set)
    history: Setting = Field(default_factory=Setting.not_set)
    lockout_threshold: Setting = Field(default_factory=Setting.not_set)  # NEVER = accounts never lock
    lockout_duration_minutes: Setting = Field(default_factory=Setting.not_set)
    lockout_window_minutes: Setting = Field(default_factory=Setting.not_set)  # failures counted within
    reversible_encryption: Setting = Field(default_factory=Setting.not_set)  # 1 = stored reversibly
    applies_to: list[str] = Field(default_factory=list)  # fine-grained policy: the groups/users it binds
    precedence: int | None = None
    notes: list[Text] = Field(default_factory=list)  # facts about the whole policy (e.g. pam lines not given)
    source_file: str = ""


SETTING_LABELS: dict[str, Text] = {
    "min_length": Text(zh="密碼最小長度", en="minimum password length"),
    "min_classes": Text(zh="密碼須混合之字元類別數", en="character classes a password must mix"),
    "max_age_days": Text(zh="密碼最長使用期限（日）", en="maximum password age (days)"),
    "min_age_days": Text(zh="密碼最短使用期限（日）", en="minimum password age (days)"),
    "history": Text(zh="密碼歷程記錄（代）", en="password history (generations)"),
    "lockout_threshold": Text(zh="帳戶鎖定閾值（次）", en="account lockout threshold (attempts)"),
    "lockout_duration_minutes": Text(zh="帳戶鎖定時間（分鐘）", en="account lockout duration (minutes)"),
    "lockout_window_minutes": Text(zh="重設鎖定計數器（分鐘）", en="reset lockout counter after (minutes)"),
    "reversible_encryption": Text(zh="以可還原加密儲存密碼", en="store passwords with reversible encryption"),
}
