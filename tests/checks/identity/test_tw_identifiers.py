from __future__ import annotations

import pytest

from zhengan.checks.identity import tw_identifiers as tw
from zhengan.checks.identity.tw_identifiers import IdentifierKind


@pytest.mark.parametrize("value", ["A123456789", "a123456789", "F131104093", "B200000004"])
def test_national_id_valid(value: str) -> None:
    assert tw.is_national_id(value)


@pytest.mark.parametrize("value", ["A123456788", "A323456789", "1123456789", "A12345678", "A1234567890"])
def test_national_id_invalid(value: str) -> None:
    assert not tw.is_national_id(value)


def test_new_resident_certificate_uses_the_national_id_checksum() -> None:
    # A8 + 00000001 + check: 1*1 + 0*9 + 8*8 + 1*1 (7th weight... ) computed by brute force below.
    valid = next(f"A80000001{d}" for d in "0123456789" if tw.is_new_resident_certificate(f"A80000001{d}"))
    assert tw.is_new_resident_certificate(valid)
    assert sum(tw.is_new_resident_certificate(f"A80000001{d}") for d in "0123456789") == 1
    assert not tw.is_national_id(valid)  # 8 is not a sex digit


def test_old_resident_certificate() -> None:
    # A (10) -> 1*1 + 0*9; second letter A (10) -> 0*8; digits 0000000 -> 0; check 9 makes 10.
    assert tw.is_old_resident_certificate("AA00000009")
    assert not tw.is_old_resident_certificate("AA00000008")
    assert not tw.is_old_resident_certificate("AE00000009")  # the sex letter is A-D only
    # FD: F=15 -> 1 + 45; D=13 -> 3*8=24; digits 1234567 weights 7..1 -> 84; total 154 + check 6 = 160
    assert tw.is_old_resident_certificate("FD12345676")


def test_company_tax_id_old_and_2023_rule() -> None:
    assert tw.is_company_tax_id("04595257")  # digit sum 40: valid under both rules
    assert not tw.is_company_tax_id("04595258")
    # digit sum 45: a multiple of 5 but not of 10, valid only from 2023
    assert tw.ubn_digit_sum("04595252") % 10 == 5
    assert tw.is_company_tax_id("04595252")
    assert not tw.is_company_tax_id("04595252", divisor=10)


def test_company_tax_id_seventh_digit_seven() -> None:
    # With 7 in the seventh place the product 28 counts 10, 1 or 0: find numbers valid only by the 1-or-0 rule.
    only_by_rule = [
        f"{n:06d}7{c}"
        for n in range(0, 2000)
        for c in "0123456789"
        if tw.ubn_digit_sum(f"{n:06d}7{c}") % 5 != 0 and tw.is_company_tax_id(f"{n:06d}7{c}")
    ]
    assert only_by_rule
    assert all(
        (tw.ubn_digit_sum(v) - 9) % 5 == 0 or (tw.ubn_digit_sum(v) - 10) % 5 == 0 for v in only_by_rule
    )


@pytest.mark.parametrize(
    ("value", "kind", "certain"),
    [
        ("A123456789", IdentifierKind.NATIONAL_ID, True),
        ("AA00000009", IdentifierKind.RESIDENT_CERTIFICATE, True),
        ("0912345678", IdentifierKind.MOBILE, True),
        ("0912-345-678", IdentifierKind.MOBILE, True),
        ("+886912345678", IdentifierKind.MOBILE, True),
        ("lee.sf@example.com.tw", IdentifierKind.EMAIL, False),
        ("04595257", IdentifierKind.COMPANY_TAX_ID, False),
        ("4111111111111111", IdentifierKind.CARD, True),
        ("4111-1111-1111-1111", IdentifierKind.CARD, True),
        ("012-345-678901", IdentifierKind.BANK_ACCOUNT, False),
        ("4111111111111112", IdentifierKind.BANK_ACCOUNT, False),  # fails Luhn: only the bank pattern remains
    ],
)
def test_classify(value: str, kind: IdentifierKind, certain: bool) -> None:
    match = tw.classify(value)
    assert match is not None
    assert (match.kind, match.certain) == (kind, certain)


@pytest.mark.parametrize("value", ["chen.wl", "E10023", "svc-batch", "adm-chen", "12345", ""])
def test_classify_ordinary_ids(value: str) -> None:
    assert tw.classify(value) is None


def test_luhn() -> None:
    assert tw.luhn_valid("79927398713")
    assert not tw.luhn_valid("79927398710")
