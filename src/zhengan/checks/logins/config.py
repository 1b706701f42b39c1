"""A firm's settings for the login detections: one YAML file (`zhengan logins analyse --config`).

Everything has a default, so an empty file (or none) runs the documented defaults. Example:

    home_country: TW
    office_hours: {start: 8, end: 19, weekdays_only: true, public_holidays: true}
    holiday_calendar: our-holidays.csv         # default: Taiwan's DGPA calendar shipped with zhengan
    core_hosts: [order-gw-01, order-gw-02]     # empty: every host counts as core; ignoring case, and a
                                               # short name matches a full domain name's first label
    account_names_case_sensitive: false        # Alice, alice and ALICE are one account (the default)
    domestic_only_channels: [voice]
    trusted_networks: [10.20.0.0/16]           # e.g. the firm's own proxies (kept out of "one IP, many accounts")
    blacklists: [fisac-2026-11-21.csv, fisac-bundle.json]
    account_types:
      - {pattern: "^svc[-_]", type: service}
      - {pattern: "^v-", type: vendor}
    detections:
      logins.failed_passwords: {threshold: 3, window_seconds: 86400}
      logins.ip_many_accounts: {threshold: 10}
      logins.mass_failures: {enabled: false}
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from zhengan.checks.logins.schema import USER_TYPES


class ConfigError(ValueError):
    pass


def known_user_type(value: str) -> str:
    """`value` if it is an account type; one check for every setting that names one."""
    if value not in USER_TYPES:
        raise ValueError(f"{value!r} 不是帳號類型 / is not one of {list(USER_TYPES)}")
    return value


class OfficeHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: int = Field(default=8, ge=0, le=23)  # local hour office use begins
    end: int = Field(default=19, ge=1, le=24)  # local hour office use ends
    weekdays_only: bool = True
    exempt_user_types: list[str] = Field(default_factory=lambda: ["service"])  # batch jobs run at night
    # Days off in the holiday calendar count as off-hours; its make-up workdays (補行上班日) as weekdays.
    public_holidays: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> OfficeHours:
        # Office use is one span within the local day (SR-3.4's 操作時段限制); a night shift across
        # midnight is not supported, and reading start > end as one would silently make every hour
        # off-hours, so it is refused.
        if self.start >= self.end:
            raise ValueError(
                f"office_hours.start ({self.start}) 須早於 end ({self.end}) / must be before end; "
                "a span across midnight is not supported"
            )
        for kind in self.exempt_user_types:
            known_user_type(kind)
        return self


class AccountTypeRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str  # a regular expression on user.name (RE2 syntax, as Arrow evaluates it)
    type: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        # Arrow evaluates it with RE2, which lacks some of Python's syntax (look-arounds, back-references).
        try:
            pc.match_substring_regex(pa.array([""]), value)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ValueError(
                f"不是有效的 RE2 正規表示式 / not a valid RE2 regular expression: {exc}"
            ) from exc
        return value

    @field_validator("type")
    @classmethod
    def _known(cls, value: str) -> str:
        return known_user_type(value)


class DetectionSettings(BaseModel):
    model_config = ConfigDict(extra="allow")  # thresholds by name; checked against the detection's own list

    enabled: bool = True


class LoginConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    home_country: str = "TW"
    utc_offset_hours: int = 8  # Taiwan keeps +08:00 all year (no daylight saving)
    office_hours: OfficeHours = Field(default_factory=OfficeHours)
    core_hosts: list[str] = Field(default_factory=list)
    core_services: list[str] = Field(default_factory=list)
    domestic_only_channels: list[str] = Field(default_factory=lambda: ["voice"])
    trusted_networks: list[str] = Field(default_factory=list)
    blacklists: list[Path] = Field(default_factory=list)
    holiday_calendar: Path | None = None  # None: the Taiwan calendar shipped with zhengan (holidays.py)
    account_types: list[AccountTypeRule] = Field(default_factory=list)
    default_user_type: str = "customer"  # for records whose log and rules above do not say
    # Account names differing only in case are one account (Windows, AD and most broker login ids);
    # true keeps them apart (a system whose login names are case-sensitive).
    account_names_case_sensitive: bool = False
    detections: dict[str, DetectionSettings] = Field(default_factory=dict)

    @field_validator("home_country")
    @classmethod
    def _country(cls, value: str) -> str:
        code = value.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise ValueError(
                f"須為 ISO 3166 二碼國別（如 TW）/ must be an ISO 3166 alpha-2 code such as TW: {value!r}"
            )
        return code

    @field_validator("default_user_type")
    @classmethod
    def _user_type(cls, value: str) -> str:
        return known_user_type(value)

    @field_validator("detections")
    @classmethod
    def _known_detections(cls, value: dict[str, DetectionSettings]) -> dict[str, DetectionSettings]:
        from zhengan.checks.logins.rules import load_detections  # the rules module reads this one

        known = sorted(d.id for d in load_detections())
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"未知的偵測 / unknown detection ids {unknown}; known: {known}")
        return value

    @field_validator("core_hosts", "core_services")
    @classmethod
    def _folded(cls, values: list[str]) -> list[str]:
        # Host and channel names are matched case-insensitively (enrich.core_values).
        return [value.strip().lower() for value in values if value.strip()]

    @field_validator("trusted_networks")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        for value in values:
            ipaddress.ip_network(value, strict=False)
        return values

    @classmethod
    def load(cls, path: Path | None) -> LoginConfig:
        if path is None:
            return cls()
        try:
            data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            config = cls.model_validate(data)
        except (yaml.YAMLError, ValidationError, ValueError) as exc:
            raise ConfigError(f"{path}: 設定檔有誤 / invalid configuration: {exc}") from exc
        # Relative blacklist and calendar paths are relative to the configuration file.
        config.blacklists = [p if p.is_absolute() else path.parent / p for p in config.blacklists]
        if config.holiday_calendar is not None and not config.holiday_calendar.is_absolute():
            config.holiday_calendar = path.parent / config.holiday_calendar
        return config

    def settings(self, detection_id: str) -> DetectionSettings:
        return self.detections.get(detection_id, DetectionSettings())
