"""The configurable thresholds of the identity checks: defaults in thresholds.yaml, overridable per firm.

The regulations leave some values to reading (what 優質密碼 means in length and character classes, how
long an account may sit idle); a firm that reads them differently says so in its own YAML file, which is
merged over the defaults key by key. Unknown keys are refused so that a typo never silently weakens a rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.result import SourceRef
from zhengan.text import Text

DEFAULTS_PATH = Path(__file__).with_name("thresholds.yaml")


class SecuritiesThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lockout_threshold_max: int = Field(ge=1)
    lockout_duration_min_minutes: int = Field(ge=0)
    electronic_trading_lockout_threshold_max: int = Field(ge=1)
    max_age_days: int = Field(ge=1)
    min_age_days: int = Field(ge=0)
    history_min: int = Field(ge=0)
    min_length: int = Field(ge=1)
    min_classes: int = Field(ge=1, le=4)


class FuturesThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lockout_threshold_max: int = Field(ge=1)
    min_length: int = Field(ge=1)
    min_classes: int = Field(ge=1, le=4)
    max_age_days: int = Field(ge=1)


class AccountThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    idle_days: int = Field(ge=1)
    ad_logon_sync_lag_days: int = Field(ge=0)
    generic_names: list[str]
    privileged_groups: list[str]


class MfaThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    certificate_factors: Literal["at_least_one_different", "all_different"]


class IdentityThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    securities: SecuritiesThresholds
    futures: FuturesThresholds
    accounts: AccountThresholds
    mfa: MfaThresholds


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ReadError(
            SourceRef(file=str(path), line=None if mark is None else mark.line + 1),
            Text(zh=f"YAML 格式錯誤：{exc}", en=f"invalid YAML: {exc}"),
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReadError(
            SourceRef(file=str(path), line=1),
            Text(zh="門檻檔須為對應表（mapping）", en="a thresholds file must be a mapping"),
        )
    return data


def load_thresholds(path: Path | str | None = None) -> IdentityThresholds:
    """The defaults, with the firm's file (if any) merged over them."""
    data = _read_yaml(DEFAULTS_PATH)
    if path is not None:
        data = _merge(data, _read_yaml(Path(path)))
    try:
        return IdentityThresholds.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ReadError(
            SourceRef(file=str(path or DEFAULTS_PATH), field=field),
            Text(
                zh=f"門檻值不正確（{field}）：{first['msg']}",
                en=f"invalid threshold ({field}): {first['msg']}",
            ),
        ) from exc
