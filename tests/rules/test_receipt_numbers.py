"""주민등록번호 and 사업자등록번호: format, check digit, the post-2020 rule, masks."""

from __future__ import annotations

import pytest

from campaign.errors import Invalid
from campaign.rules.receipts import (
    DonorKind,
    ReceiptStatus,
    clean_business_number,
    clean_resident_number,
    formatted,
    mask,
    moves_forward,
)

VALID = "9001011234568"  # 1990-01-01, check digit 8


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("900101-1234568", VALID),
        (" 900101 1234568 ", VALID),
        ("8512312345673", "8512312345673"),
        ("000229-3123454", "0002293123454"),  # 2000-02-29 exists
        # Born after 2020-10-01: issued with a random last part, no check digit required.
        ("211015-3123450", "2110153123450"),
        ("201001-4000001", "2010014000001"),
    ],
)
def test_resident_numbers_accepted(typed: str, expected: str) -> None:
    assert clean_resident_number(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "required"),
        ("900101-123456", "id_number_format"),  # 12 digits
        ("900101-12345689", "id_number_format"),  # 14 digits
        ("900101-123456x", "id_number_format"),
        ("９００１０１１２３４５６８", "id_number_format"),  # full-width digits
        ("901301-1234568", "id_number_format"),  # month 13
        ("010229-3123454", "id_number_format"),  # 2001-02-29 does not exist
        ("900101-1234567", "id_number_checksum"),  # last digit off by one
        ("200930-3123450", "id_number_checksum"),  # born 2020-09-30: still checked
    ],
)
def test_resident_numbers_refused(typed: str, reason: str) -> None:
    with pytest.raises(Invalid) as info:
        clean_resident_number(typed)
    assert (info.value.field, info.value.reason) == ("id_number", reason)


def test_business_numbers() -> None:
    assert clean_business_number("220-81-62517") == "2208162517"
    for typed, reason in (("220-81-62518", "id_number_checksum"), ("22081625", "id_number_format")):
        with pytest.raises(Invalid) as info:
            clean_business_number(typed)
        assert info.value.reason == reason


def test_masks_and_forms() -> None:
    assert mask(DonorKind.PERSON, VALID) == "900101-1******"
    assert mask(DonorKind.COMPANY, "2208162517") == "220-81-*****"
    assert formatted(DonorKind.PERSON, VALID) == "900101-1234568"
    assert formatted(DonorKind.COMPANY, "2208162517") == "220-81-62517"


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (ReceiptStatus.REQUESTED, ReceiptStatus.SENT, True),
        (ReceiptStatus.REQUESTED, ReceiptStatus.ISSUED, True),
        (ReceiptStatus.SENT, ReceiptStatus.ISSUED, True),
        (ReceiptStatus.SENT, ReceiptStatus.REQUESTED, False),
        (ReceiptStatus.ISSUED, ReceiptStatus.SENT, False),
        (ReceiptStatus.ISSUED, ReceiptStatus.ISSUED, False),
    ],
)
def test_status_only_moves_forward(
    current: ReceiptStatus, new: ReceiptStatus, allowed: bool
) -> None:
    assert moves_forward(current, new) is allowed
