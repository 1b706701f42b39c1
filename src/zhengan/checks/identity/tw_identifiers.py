"""Taiwanese identifiers and other customer explicit data (顯性資料) that must not be the only account id (SR-3.7).

Written here rather than taken from python-stdnum: stdnum has the company tax id (tw.ubn) but not the
national ID or either form of the resident certificate number, and the check is a few lines each.

- 身分證統一編號 (national ID): a letter, 1 or 2 (sex), seven digits and a check digit.
- 新式統一證號 (resident certificate number, from 2021): a letter, 8 or 9, seven digits, check digit;
  the same checksum as the national ID.
- 舊式統一證號 (old resident certificate number): two letters (area, then sex A-D), seven digits, check digit;
  the second letter counts as the last digit of its letter code.
- 統一編號 (company tax id, UBN): eight digits, weights 1,2,1,2,1,2,4,1; the digit sums of the products add
  to a multiple of 10, or of 5 from 2023 (財政部 112 年起). When the seventh digit is 7 its product 28
  counts as 1 or 0.
- mobile numbers (09xx-xxx-xxx, +886 9xx), e-mail addresses, payment-card numbers (Luhn) and bank account
  numbers (a run of 10 to 16 digits: banks use no public checksum, so this is a pattern only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from zhengan.text import Text

# The two-digit code of each letter; I, O, W, X, Y, Z are out of alphabetical order by history.
LETTER_CODES: dict[str, int] = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18,
    "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27,
    "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip

_NATIONAL_ID = re.compile(r"^[A-Z][12]\d{8}$")
_NEW_RESIDENT = re.compile(r"^[A-Z][89]\d{8}$")
_OLD_RESIDENT = re.compile(r"^[A-Z][A-D]\d{8}$")
_UBN = re.compile(r"^\d{8}$")
_MOBILE = re.compile(r"^(?:09\d{8}|\+?8869\d{8})$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_SEPARATORS = re.compile(r"[\s\-()]")
_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


class IdentifierKind(StrEnum):
    NATIONAL_ID = "national_id"
    RESIDENT_CERTIFICATE = "resident_certificate"
    COMPANY_TAX_ID = "company_tax_id"
    MOBILE = "mobile"
    EMAIL = "email"
    CARD = "card"
    BANK_ACCOUNT = "bank_account"


KIND_LABELS: dict[IdentifierKind, Text] = {
    IdentifierKind.NATIONAL_ID: Text(zh="身分證統一編號", en="national ID number"),
    IdentifierKind.RESIDENT_CERTIFICATE: Text(zh="居留證統一證號", en="resident certificate number"),
    IdentifierKind.COMPANY_TAX_ID: Text(zh="營利事業統一編號", en="company tax ID (UBN)"),
    IdentifierKind.MOBILE: Text(zh="手機號碼", en="mobile number"),
    IdentifierKind.EMAIL: Text(zh="電子郵件帳號", en="e-mail address"),
    IdentifierKind.CARD: Text(zh="信用卡號", en="payment card number"),
    IdentifierKind.BANK_ACCOUNT: Text(zh="存款帳號（樣式）", en="bank account number (pattern)"),
}

# Kinds whose structure or checksum makes a match near certain; the others are likely and need a person.
CERTAIN_KINDS = frozenset(
    {
        IdentifierKind.NATIONAL_ID,
        IdentifierKind.RESIDENT_CERTIFICATE,
        IdentifierKind.CARD,
        IdentifierKind.MOBILE,
    }
)


@dataclass(frozen=True)
class IdentifierMatch:
    kind: IdentifierKind
    certain: bool
    note: Text

    @property
    def label(self) -> Text:
        return KIND_LABELS[self.kind]


def _id_checksum(letter_code: int, second: int, digits: str) -> bool:
    """The national-ID checksum: letter code (weights 1, 9), then 8 positions weighted 8..1, then the check."""
    total = (letter_code // 10) * 1 + (letter_code % 10) * 9 + second * 8
    for weight, digit in zip(range(7, 0, -1), digits[:7], strict=True):
        total += weight * int(digit)
    total += int(digits[7])
    return total % 10 == 0


def is_national_id(value: str) -> bool:
    """身分證統一編號, e.g. A123456789."""
    value = value.strip().upper()
    if not _NATIONAL_ID.match(value):
        return False
    return _id_checksum(LETTER_CODES[value[0]], int(value[1]), value[2:])


def is_new_resident_certificate(value: str) -> bool:
    """新式統一證號 (2021): letter, 8 or 9, eight digits; national-ID checksum."""
    value = value.strip().upper()
    if not _NEW_RESIDENT.match(value):
        return False
    return _id_checksum(LETTER_CODES[value[0]], int(value[1]), value[2:])


def is_old_resident_certificate(value: str) -> bool:
    """舊式統一證號: two letters (the second A-D stands for the last digit of its code), eight digits."""
    value = value.strip().upper()
    if not _OLD_RESIDENT.match(value):
        return False
    return _id_checksum(LETTER_CODES[value[0]], LETTER_CODES[value[1]] % 10, value[2:])


def is_resident_certificate(value: str) -> bool:
    return is_new_resident_certificate(value) or is_old_resident_certificate(value)


def ubn_digit_sum(value: str) -> int:
    return sum(p // 10 + p % 10 for p in (int(d) * w for d, w in zip(value, _UBN_WEIGHTS, strict=True)))


def is_company_tax_id(value: str, *, divisor: int = 5) -> bool:
    """統一編號. `divisor` 5 is the rule from 2023 (it accepts every number the old rule of 10 accepted)."""
    value = value.strip()
    if not _UBN.match(value):
        return False
    total = ubn_digit_sum(value)
    if total % divisor == 0:
        return True
    # Seventh digit 7: its product 28 gives digit sum 10, which counts as 1 (1+0) or as 0.
    return value[6] == "7" and ((total - 9) % divisor == 0 or (total - 10) % divisor == 0)


def is_mobile(value: str) -> bool:
    return bool(_MOBILE.match(_SEPARATORS.sub("", value.strip())))


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_card_number(value: str) -> bool:
    """A payment card: 13-19 digits (spaces or hyphens allowed), a card-scheme first digit (2-6), Luhn-valid."""
    digits = _SEPARATORS.sub("", value.strip())
    return digits.isdigit() and 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits)


def is_bank_account_pattern(value: str) -> bool:
    """A run of 10 to 16 digits (hyphens allowed): how Taiwanese bank account numbers look; no checksum."""
    digits = _SEPARATORS.sub("", value.strip())
    return digits.isdigit() and 10 <= len(digits) <= 16


def classify(value: str) -> IdentifierMatch | None:
    """What kind of customer explicit data `value` is, if any; the most specific kind wins."""
    text = value.strip()
    if not text:
        return None
    if is_national_id(text):
        return IdentifierMatch(
            IdentifierKind.NATIONAL_ID, True, Text(zh="格式與檢查碼皆符合", en="format and check digit match")
        )
    if is_new_resident_certificate(text):
        return IdentifierMatch(
            IdentifierKind.RESIDENT_CERTIFICATE,
            True,
            Text(zh="新式統一證號，檢查碼符合", en="new-format resident certificate, check digit matches"),
        )
    if is_old_resident_certificate(text):
        return IdentifierMatch(
            IdentifierKind.RESIDENT_CERTIFICATE,
            True,
            Text(zh="舊式統一證號，檢查碼符合", en="old-format resident certificate, check digit matches"),
        )
    if is_email(text):
        return IdentifierMatch(
            IdentifierKind.EMAIL, False, Text(zh="電子郵件格式", en="e-mail address format")
        )
    if is_mobile(text):
        return IdentifierMatch(
            IdentifierKind.MOBILE, True, Text(zh="臺灣行動電話號碼格式", en="Taiwanese mobile number format")
        )
    if is_company_tax_id(text):
        return IdentifierMatch(
            IdentifierKind.COMPANY_TAX_ID,
            False,
            Text(
                zh="八位數字且符合統一編號檢查規則；純數字員工編號亦可能巧合符合，請確認",
                en="eight digits passing the UBN check; a numeric staff number can match by chance, confirm",
            ),
        )
    if is_card_number(text):
        return IdentifierMatch(
            IdentifierKind.CARD,
            True,
            Text(zh="卡號長度與 Luhn 檢查碼符合", en="card length and Luhn check match"),
        )
    if is_bank_account_pattern(text):
        return IdentifierMatch(
            IdentifierKind.BANK_ACCOUNT,
            False,
            Text(
                zh="10 至 16 位數字，符合存款帳號樣式（無公開檢查碼）",
                en="10 to 16 digits, the shape of a bank account number (no public checksum)",
            ),
        )
    return None
