"""The normalised account and staff records the account review works on, whatever system exported them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from zhengan.checks.result import SourceRef
from zhengan.text import Text


class AccountType(StrEnum):
    USER = "user"  # a person's own account
    ADMIN = "admin"  # a person's separate administrator account
    SERVICE = "service"  # used by a program, not a person (non-interactive)
    SHARED = "shared"  # used by several people (SR-6.1 forbids)
    TEMPORARY = "temporary"  # approved for a limited time (SR-3.2)
    EMERGENCY = "emergency"  # break-glass account (SR-3.2)
    VENDOR = "vendor"  # an outsourced party's account (FC-8.2.d)
    CUSTOMER = "customer"  # a customer's account (SR-3.7)


ACCOUNT_TYPE_LABELS: dict[AccountType, Text] = {
    AccountType.USER: Text(zh="個人", en="personal"),
    AccountType.ADMIN: Text(zh="管理者", en="administrator"),
    AccountType.SERVICE: Text(zh="服務", en="service"),
    AccountType.SHARED: Text(zh="共用", en="shared"),
    AccountType.TEMPORARY: Text(zh="臨時", en="temporary"),
    AccountType.EMERGENCY: Text(zh="緊急", en="emergency"),
    AccountType.VENDOR: Text(zh="委外廠商", en="vendor"),
    AccountType.CUSTOMER: Text(zh="客戶", en="customer"),
}

# Words (English and Chinese) that name an account type in a type column or an AD description.
TYPE_WORDS: dict[str, AccountType] = {
    "user": AccountType.USER, "personal": AccountType.USER, "個人": AccountType.USER,
    "admin": AccountType.ADMIN, "administrator": AccountType.ADMIN, "管理者": AccountType.ADMIN,
    "service": AccountType.SERVICE, "服務": AccountType.SERVICE, "系統": AccountType.SERVICE,
    "shared": AccountType.SHARED, "共用": AccountType.SHARED, "generic": AccountType.SHARED,
    "temporary": AccountType.TEMPORARY, "temp": AccountType.TEMPORARY, "臨時": AccountType.TEMPORARY,
    "emergency": AccountType.EMERGENCY, "break-glass": AccountType.EMERGENCY, "緊急": AccountType.EMERGENCY,
    "vendor": AccountType.VENDOR, "contractor": AccountType.VENDOR, "委外": AccountType.VENDOR,
    "廠商": AccountType.VENDOR, "customer": AccountType.CUSTOMER, "客戶": AccountType.CUSTOMER,
}  # fmt: skip


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1)
    display_name: str = ""
    system: str = ""
    enabled: bool
    account_type: AccountType = AccountType.USER
    privileged: bool = False
    groups: list[str] = Field(default_factory=list)
    employee_id: str | None = None
    last_logon: datetime | None = None  # UTC
    # AD lastLogonTimestamp replicates lazily (msDS-LogonTimeSyncInterval, 14 days by default).
    last_logon_lagged: bool = False
    created: datetime | None = None  # UTC
    expires: datetime | None = None  # UTC: the end of an approved period or the account's expiry
    description: str = ""
    source: SourceRef

    @property
    def key(self) -> str:
        return f"{self.system}/{self.account_id}" if self.system else self.account_id


class StaffMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    employee_id: str = Field(min_length=1)
    name: str = ""
    department: str = ""
    hire_date: date | None = None
    leave_date: date | None = None  # 離職日; none while employed
    source: SourceRef
