"""Multi-factor authentication: the factors a firm declares per login channel, against the rules.

- every login over the internet uses factors from two of the three categories: knowledge (固定密碼、圖形鎖、
  手勢), possession (密碼產生器、密碼卡、晶片卡、電腦、行動裝置、憑證載具、OTP) and inherence (指紋、臉部、
  虹膜、聲音、掌紋、靜脈、簽名) (CC17010-4, SR-6.2; CC17010-3.3 for customer internet ordering). Two factors
  of one category (a password and a PIN) count once.
- applying for or renewing a certificate is itself multi-factor and uses a factor different from those of
  login (CC17010-5.1, internet-ordering securities firms). `thresholds.mfa.certificate_factors` chooses
  whether one different factor suffices (default) or all must differ.

Futures rules have no two-of-three clause; for a futures-only firm the results are information, citing the
authentication mechanism clause FC-7.1.d.b.

The declaration is YAML (see docs/checks-identity.md):

    channels:
      - id: web-ordering
        name: 網路下單 / Web ordering
        internet: true
        audience: customer        # customer | staff
        ordering: true            # an internet-ordering channel
        login_factors: [password, order_certificate]
        certificate_factors: [password, sms_otp]
    custom_factors:               # factors beyond the built-in list, with their category
      - {id: voice_id, category: inherence, name: 聲紋辨識}
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.thresholds import IdentityThresholds, load_thresholds
from zhengan.checks.identity.yaml_lines import line_of, load_yaml_model
from zhengan.checks.result import CheckResult, InputFile, Observation, Severity, SourceRef, Status
from zhengan.text import Text

CHECK = "identity.mfa"
TITLE = Text(zh="多因子認證檢查", en="Multi-factor authentication check")
FORMAT = "zhengan-mfa-yaml"


class Category(StrEnum):
    KNOWLEDGE = "knowledge"
    POSSESSION = "possession"
    INHERENCE = "inherence"


CATEGORY_LABELS = {
    Category.KNOWLEDGE: Text(zh="所知（約定資訊）", en="knowledge"),
    Category.POSSESSION: Text(zh="所持（實體設備）", en="possession"),
    Category.INHERENCE: Text(zh="所是（生物特徵）", en="inherence"),
}

# The built-in factors, named after the examples in CC17010-3.3, CC17010-4 and CC17010-5.1.
FACTORS: dict[str, tuple[Category, Text]] = {
    "password": (Category.KNOWLEDGE, Text(zh="固定密碼", en="password")),
    "pin": (Category.KNOWLEDGE, Text(zh="PIN 碼", en="PIN")),
    "pattern_lock": (Category.KNOWLEDGE, Text(zh="圖形鎖", en="pattern lock")),
    "gesture": (Category.KNOWLEDGE, Text(zh="手勢", en="gesture")),
    "security_question": (Category.KNOWLEDGE, Text(zh="安全提問", en="security question")),
    "order_certificate": (Category.POSSESSION, Text(zh="下單憑證", en="order certificate")),
    "bound_device": (Category.POSSESSION, Text(zh="綁定裝置", en="bound device")),
    "sms_otp": (Category.POSSESSION, Text(zh="簡訊 OTP", en="SMS one-time password")),
    "totp": (Category.POSSESSION, Text(zh="OTP 應用程式", en="authenticator-app OTP")),
    "hardware_token": (Category.POSSESSION, Text(zh="密碼產生器", en="hardware token")),
    "otp_card": (Category.POSSESSION, Text(zh="密碼卡", en="OTP card")),
    "smart_card": (Category.POSSESSION, Text(zh="晶片卡／憑證載具", en="smart card / certificate carrier")),
    "sim": (Category.POSSESSION, Text(zh="SIM 認證", en="SIM authentication")),
    "push_notification": (
        Category.POSSESSION,
        Text(zh="行動裝置推播確認", en="push approval on a bound device"),
    ),
    "fido_key": (Category.POSSESSION, Text(zh="FIDO 安全金鑰", en="FIDO security key")),
    "fingerprint": (Category.INHERENCE, Text(zh="指紋", en="fingerprint")),
    "face": (Category.INHERENCE, Text(zh="臉部", en="face")),
    "iris": (Category.INHERENCE, Text(zh="虹膜", en="iris")),
    "voice": (Category.INHERENCE, Text(zh="聲音", en="voice")),
    "palm": (Category.INHERENCE, Text(zh="掌紋", en="palm print")),
    "vein": (Category.INHERENCE, Text(zh="靜脈", en="vein")),
    "signature": (Category.INHERENCE, Text(zh="簽名", en="signature")),
}


class CustomFactor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    category: Category
    name: str = ""


class Channel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str = ""
    internet: bool
    audience: Literal["customer", "staff"]
    ordering: bool = False
    login_factors: list[str] = Field(min_length=1)
    certificate_factors: list[str] | None = None


class Declaration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: list[Channel] = Field(min_length=1)
    custom_factors: list[CustomFactor] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Declaration:
        ids = [c.id for c in self.channels]
        if len(ids) != len(set(ids)):
            raise ValueError("channel ids must be unique / 通道代號不得重複")
        clash = {f.id for f in self.custom_factors} & set(FACTORS)
        if clash:
            raise ValueError(
                f"custom factors redefine built-in ones: {sorted(clash)} / 自訂因子與內建因子同名"
            )
        return self


def read_declaration(path: Path) -> tuple[Declaration, dict[tuple[str, ...], int]]:
    """Read and validate the YAML; an unknown factor is an error naming its line."""
    declaration, lines = load_yaml_model(path, Declaration)
    known = set(FACTORS) | {f.id for f in declaration.custom_factors}
    for index, channel in enumerate(declaration.channels):
        for key in ("login_factors", "certificate_factors"):
            for position, factor in enumerate(getattr(channel, key) or []):
                if factor not in known:
                    loc = ("channels", index, key, position)
                    raise ReadError(
                        SourceRef(file=str(path), line=line_of(lines, loc), field=".".join(map(str, loc))),
                        Text(
                            zh=f"未知的驗證因子 {factor!r}；請使用內建因子或於 custom_factors 宣告其類別",
                            en=f"unknown factor {factor!r}; use a built-in one or declare it under custom_factors",
                        ),
                    )
    return declaration, lines


def categories(factors: Iterable[str], declaration: Declaration) -> dict[Category, list[str]]:
    custom = {f.id: f.category for f in declaration.custom_factors}
    grouped: dict[Category, list[str]] = {}
    for factor in factors:
        category = FACTORS[factor][0] if factor in FACTORS else custom[factor]
        grouped.setdefault(category, []).append(factor)
    return grouped


def _describe(grouped: dict[Category, list[str]]) -> Text:
    parts_zh = [f"{CATEGORY_LABELS[c].zh}：{'、'.join(f)}" for c, f in grouped.items()]
    parts_en = [f"{CATEGORY_LABELS[c].en}: {', '.join(f)}" for c, f in grouped.items()]
    return Text(zh="；".join(parts_zh) or "無", en="; ".join(parts_en) or "none")


def evaluate(
    declaration: Declaration,
    kinds: Iterable[str],
    securities_internet_ordering: bool,
    thresholds: IdentityThresholds,
    path: Path,
    lines: dict[tuple[str, ...], int],
) -> list[Observation]:
    kinds = set(kinds)
    securities = "securities" in kinds
    observations: list[Observation] = []
    for index, channel in enumerate(declaration.channels):
        subject = f"channel {channel.id}"

        def source(*loc: object, _index: int = index) -> SourceRef:
            full = ("channels", _index, *loc)
            return SourceRef(file=str(path), line=line_of(lines, full), field=".".join(map(str, full)))

        login = categories(channel.login_factors, declaration)
        described = _describe(login)
        if not channel.internet:
            observations.append(
                Observation(
                    rule="mfa.login_categories",
                    status=Status.INFO,
                    control_ids=["SR-6.2"] if securities else ["FC-7.1.d.b"],
                    title=Text(zh="非網際網路登入", en="login not over the internet"),
                    subject=subject,
                    message=Text(
                        zh=f"此通道不經網際網路登入，多因子認證非必要；因子：{described.zh}",
                        en=f"this channel does not log in over the internet, so MFA is not required; factors: {described.en}",
                    ),
                    source=source("internet"),
                )
            )
        else:
            enough = len(login) >= 2
            same_category = [c for c, f in login.items() if len(f) > 1]
            note_zh = "；同類因子僅計一類" if same_category and not enough else ""
            note_en = "; factors of one category count once" if same_category and not enough else ""
            if securities:
                ids = ["CC17010-4", "SR-6.2"]
                if channel.audience == "customer" and channel.ordering and securities_internet_ordering:
                    ids.append("CC17010-3.3")
                status = Status.PASS if enough else Status.FAIL
            else:
                ids = ["FC-7.1.d.b"]
                status = Status.INFO
            observations.append(
                Observation(
                    rule="mfa.login_categories",
                    status=status,
                    control_ids=ids,
                    title=Text(
                        zh="網際網路登入之多因子認證", en="multi-factor authentication of internet login"
                    ),
                    subject=subject,
                    message=Text(
                        zh=f"登入因子涵蓋 {len(login)} 類（{described.zh}），要求三類中之任兩類{note_zh}"
                        + ("" if securities else "；期貨商規範未要求三類任兩類，僅供參考"),
                        en=f"login factors cover {len(login)} {'category' if len(login) == 1 else 'categories'} ({described.en}); two of the three are "
                        f"required{note_en}"
                        + ("" if securities else "; futures rules set no two-of-three test: for information"),
                    ),
                    severity=None if status is not Status.FAIL else Severity.HIGH,
                    found=sorted(login),
                    required=2,
                    source=source("login_factors"),
                )
            )

        # CC17010-5.1: certificate application or renewal (internet-ordering securities firms, customer channels).
        if not (channel.internet and channel.ordering and channel.audience == "customer"):
            continue
        if not (securities and securities_internet_ordering):
            if channel.certificate_factors is not None:
                observations.append(
                    Observation(
                        rule="mfa.certificate_factors",
                        status=Status.INFO,
                        control_ids=["FC-7.1.d.a"] if "futures" in kinds else ["CC17010-5.1"],
                        title=Text(zh="憑證申請或更新之驗證", en="authentication of certificate application"),
                        subject=subject,
                        message=Text(
                            zh=f"憑證申請或更新因子：{_describe(categories(channel.certificate_factors, declaration)).zh}（僅供參考）",
                            en=f"certificate application factors: {_describe(categories(channel.certificate_factors, declaration)).en} (for information)",
                        ),
                        source=source("certificate_factors"),
                    )
                )
            continue
        if channel.certificate_factors is None:
            observations.append(
                Observation(
                    rule="mfa.certificate_factors",
                    status=Status.ERROR,
                    control_ids=["CC17010-5.1"],
                    title=Text(zh="憑證申請或更新之驗證", en="authentication of certificate application"),
                    subject=subject,
                    message=Text(
                        zh="未宣告客戶申請或更新憑證時使用之驗證因子（certificate_factors），無法判斷",
                        en="the factors used when a customer applies for or renews a certificate (certificate_factors) "
                        "are not declared: cannot decide",
                    ),
                    source=source(),
                )
            )
            continue
        cert = categories(channel.certificate_factors, declaration)
        different = [f for f in channel.certificate_factors if f not in channel.login_factors]
        mode = thresholds.mfa.certificate_factors
        differs = (
            bool(different)
            if mode == "at_least_one_different"
            else len(different) == len(channel.certificate_factors)
        )
        multi = len(cert) >= 2
        status = Status.PASS if differs and multi else Status.FAIL
        problems_zh, problems_en = [], []
        if not multi:
            problems_zh.append("未達多因子（三類中之任兩類）")
            problems_en.append("not multi-factor (two of the three categories)")
        if not differs:
            problems_zh.append(
                "未使用與登入不同之因子" if mode == "at_least_one_different" else "因子未全部不同於登入"
            )
            problems_en.append(
                "uses no factor other than those of login"
                if mode == "at_least_one_different"
                else "not every factor differs from login"
            )
        observations.append(
            Observation(
                rule="mfa.certificate_factors",
                status=status,
                control_ids=["CC17010-5.1"],
                title=Text(zh="憑證申請或更新之驗證", en="authentication of certificate application"),
                subject=subject,
                message=Text(
                    zh=f"憑證申請或更新因子：{_describe(cert).zh}；與登入不同者：{'、'.join(different) or '無'}"
                    + (f"。{'；'.join(problems_zh)}" if problems_zh else "。符合"),
                    en=f"certificate application factors: {_describe(cert).en}; different from login: "
                    f"{', '.join(different) or 'none'}"
                    + (f". {'; '.join(problems_en)}" if problems_en else ". Holds"),
                ),
                severity=None if status is Status.PASS else Severity.HIGH,
                found={"factors": channel.certificate_factors, "different_from_login": different},
                required={"categories": 2, "rule": mode},
                source=source("certificate_factors"),
            )
        )
    return observations


def run(
    path: Path,
    kinds: Iterable[str],
    securities_internet_ordering: bool,
    thresholds: IdentityThresholds | None = None,
) -> CheckResult:
    thresholds = thresholds or load_thresholds()
    kinds = sorted(set(kinds))
    result = CheckResult(
        check=CHECK,
        title=TITLE,
        parameters={
            "kinds": kinds,
            "securities_internet_ordering": securities_internet_ordering,
            "certificate_factors": thresholds.mfa.certificate_factors,
        },
    )
    try:
        declaration, lines = read_declaration(path)
    except ReadError as error:
        result.errors.append(error.as_input_error())
        return result.finish()
    result.inputs.append(InputFile.of(path, FORMAT))
    result.observations = evaluate(declaration, kinds, securities_internet_ordering, thresholds, path, lines)
    return result.finish()
