"""The firm profile: a firm describes itself once, and applicability follows from it.

Every field is required and unknown fields are refused: nothing defaults silently, because a
missing answer (does the firm offer internet ordering?) changes which rules bind it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zhengan.text import Text

Kind = Literal["securities", "futures"]


class Cloud(BaseModel):
    """ET-4: the firm as cloud user, as cloud provider, and whether critical systems are involved."""

    model_config = ConfigDict(extra="forbid")

    uses: bool = Field(description="使用雲端運算服務 / uses cloud services")
    provides: bool = Field(description="提供雲端運算服務 / provides cloud services")
    critical: bool = Field(
        description="雲端運算服務涉及關鍵性系統、資料或服務 / cloud services involve critical systems, data or services"
    )


class FirmProfile(BaseModel):
    """What a firm says about itself. See docs/profile.md for every field in both languages."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="公司名稱 / firm name")
    kinds: list[Kind] = Field(
        min_length=1, description="業別：證券商、期貨商或兩者 / securities, futures or both"
    )
    securities_category: Literal["first", "second"] | None = Field(
        description="第一類或第二類證券商（SR-2.5、SR-2.6）；非證券商填 null / first- or second-category (null if not securities)"
    )
    security_tier: int = Field(
        ge=1, le=5, description="資安分級 1-5，由公司自行申報 / security tier 1-5, declared by the firm"
    )
    foreign: bool = Field(description="外國證券商（外資集團在台子公司或分公司，SR-2.7） / foreign firm")
    better_group_standard: str | None = Field(
        description="外國證券商宣告之較佳集團規範名稱；無則 null / the better group standard a foreign firm declares"
    )
    public_company: bool = Field(description="公開發行公司 / public company")
    futures_broker: bool = Field(description="期貨經紀商 / futures commission merchant")
    internet_ordering: bool | list[Kind] = Field(
        description="提供網際網路下單服務（true 表示所有業別，或列出業別） / offers internet ordering (true, or the kinds)"
    )
    api_service: bool = Field(description="提供客戶 API 下單服務 / offers customers API ordering")
    official_website: bool = Field(description="設有官方網站 / has an official website")
    official_social_media: bool = Field(description="經營官方社群媒體 / runs official social-media accounts")
    investor_mobile_apps: bool = Field(
        description="提供投資人使用之行動應用程式 / offers mobile apps to investors"
    )
    cloud: Cloud
    iot_oa_devices: bool = Field(
        description="具網路連線功能之自動化辦公(OA)或物聯網設備 / networked office-automation or IoT devices"
    )
    byod: bool = Field(description="允許員工自攜行動裝置 / allows bring-your-own-device")
    wireless_network: bool = Field(description="設置無線網路 / operates a wireless network")
    swift: bool = Field(description="使用 SWIFT 系統 / uses SWIFT")

    @model_validator(mode="after")
    def _consistent(self) -> FirmProfile:
        if len(set(self.kinds)) != len(self.kinds):
            raise ValueError("kinds: each kind once / 業別不得重複")
        if "securities" in self.kinds and self.securities_category is None:
            raise ValueError(
                "securities_category: a securities firm must say first or second / 證券商須填第一類(first)或第二類(second)"
            )
        if "securities" not in self.kinds and self.securities_category is not None:
            raise ValueError("securities_category: only for securities firms; use null / 非證券商請填 null")
        if isinstance(self.internet_ordering, list):
            stray = set(self.internet_ordering) - set(self.kinds)
            if stray:
                raise ValueError(
                    f"internet_ordering: {sorted(stray)} is not among kinds / 網際網路下單業別不在公司業別中"
                )
        if self.better_group_standard is not None and not self.foreign:
            raise ValueError(
                "better_group_standard: only a foreign firm may declare one / 僅外國證券商得宣告"
            )
        if self.futures_broker and "futures" not in self.kinds:
            raise ValueError("futures_broker: only for futures firms / 期貨經紀商須為期貨商")
        return self

    def internet_ordering_for(self, kind: Kind) -> bool:
        if isinstance(self.internet_ordering, list):
            return kind in self.internet_ordering
        return self.internet_ordering and kind in self.kinds

    def facts(self) -> dict[str, bool]:
        """The named facts that applicability expressions (catalogue `when:`) may use."""
        securities = "securities" in self.kinds
        futures = "futures" in self.kinds
        return {
            "securities": securities,
            "futures": futures,
            "first_category": securities and self.securities_category == "first",
            "second_category": securities and self.securities_category == "second",
            "foreign": self.foreign,
            "public_company": self.public_company,
            "futures_broker": self.futures_broker,
            "internet_ordering": self.internet_ordering_for("securities")
            or self.internet_ordering_for("futures"),
            "securities_internet_ordering": self.internet_ordering_for("securities"),
            "futures_internet_ordering": self.internet_ordering_for("futures"),
            "api_service": self.api_service,
            "official_website": self.official_website,
            "official_social_media": self.official_social_media,
            "investor_mobile_apps": self.investor_mobile_apps,
            "cloud_uses": self.cloud.uses,
            "cloud_provides": self.cloud.provides,
            "cloud_critical": self.cloud.critical,
            "iot_oa_devices": self.iot_oa_devices,
            "byod": self.byod,
            "wireless_network": self.wireless_network,
            "swift": self.swift,
        }


# The facts an applicability expression may name, each with what it means in both languages.
FACTS: dict[str, Text] = {
    "securities": Text(zh="證券商", en="securities firm"),
    "futures": Text(zh="期貨商", en="futures firm"),
    "first_category": Text(zh="第一類證券商", en="first-category securities firm"),
    "second_category": Text(zh="第二類證券商", en="second-category securities firm"),
    "foreign": Text(zh="外國證券商", en="foreign securities firm"),
    "public_company": Text(zh="公開發行公司", en="public company"),
    "futures_broker": Text(zh="期貨經紀商", en="futures commission merchant"),
    "internet_ordering": Text(zh="提供網際網路下單服務", en="offers internet ordering"),
    "securities_internet_ordering": Text(
        zh="網際網路下單證券商", en="securities firm offering internet ordering"
    ),
    "futures_internet_ordering": Text(zh="網際網路下單期貨商", en="futures firm offering internet ordering"),
    "api_service": Text(zh="提供 API 服務", en="offers API service"),
    "official_website": Text(zh="設有官方網站", en="has an official website"),
    "official_social_media": Text(zh="經營官方社群媒體", en="runs official social media"),
    "investor_mobile_apps": Text(zh="提供投資人行動應用程式", en="offers investor mobile apps"),
    "cloud_uses": Text(zh="使用雲端運算服務", en="uses cloud services"),
    "cloud_provides": Text(zh="提供雲端運算服務", en="provides cloud services"),
    "cloud_critical": Text(
        zh="雲端服務涉及關鍵性系統、資料或服務", en="cloud involves critical systems or data"
    ),
    "iot_oa_devices": Text(zh="具連網之自動化辦公(OA)設備", en="networked office-automation (IoT) devices"),
    "byod": Text(zh="員工自攜行動裝置", en="bring-your-own-device"),
    "wireless_network": Text(zh="設置無線網路", en="operates a wireless network"),
    "swift": Text(zh="使用 SWIFT", en="uses SWIFT"),
}


def load_profile(path: Path | str) -> FirmProfile:
    """Read and validate a profile YAML; errors name the file, line and field in both languages."""
    from zhengan.yamlutil import load_model

    return load_model(Path(path), FirmProfile)
