"""What a donation receipt (기부금영수증) needs from a giver, checked before anything is stored.

A person gives a 주민등록번호 (resident registration number, 13 digits); a company a
사업자등록번호 (business registration number, 10 digits). Both are checked by their weighted
check digit, with one stated exception:

* Resident numbers issued since October 2020 no longer encode the region, and their last digit
  is not a check digit. The birth date in the number tells those apart only for people born on
  or after 2020-10-01 (a number can only have been issued since then), so **for a birth date on
  or after 2020-10-01 the check digit is not required; for every earlier birth date it is**.
  A number changed after October 2020 for an older person (주민번호 변경, rare) fails the
  check: that giver hands the number to the charity directly. This keeps the check catching
  typos for almost everyone without refusing any newborn's number.
* Foreigners' numbers (7th digit 5–8) follow the same rule.

Numbers are kept as digits only; ``mask`` is what any page or non-partner export shows.
"""

from __future__ import annotations

import enum
import re
from datetime import date

from campaign.errors import Invalid

ADDRESS_MAX = 200
RANDOM_SERIAL_SINCE = date(2020, 10, 1)

_RESIDENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_BUSINESS_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
# The 7th digit says the century of the birth date (and sex, and citizen or not).
_CENTURY = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900}
_CENTURY.update({"3": 2000, "4": 2000, "7": 2000, "8": 2000})
_SEPARATORS = re.compile(r"[\s\-]")


class DonorKind(enum.StrEnum):
    PERSON = "person"  # 개인: 주민등록번호
    COMPANY = "company"  # 법인·단체: 사업자등록번호


class ReceiptStatus(enum.StrEnum):
    """requested → sent (the charity has the details) → issued (the charity issued it)."""

    REQUESTED = "requested"
    SENT = "sent"
    ISSUED = "issued"


_ORDER = (ReceiptStatus.REQUESTED, ReceiptStatus.SENT, ReceiptStatus.ISSUED)


def moves_forward(current: ReceiptStatus, new: ReceiptStatus) -> bool:
    """Whether a receipt may go from ``current`` to ``new``: only forward (a skip is allowed)."""
    return _ORDER.index(new) > _ORDER.index(current)


def _digits(raw: str | None, field: str) -> str:
    text = _SEPARATORS.sub("", raw or "")
    if not text:
        raise Invalid(field, "required")
    if not text.isascii() or not text.isdigit():
        raise Invalid(field, "id_number_format")
    return text


def resident_birth_date(number: str) -> date | None:
    """The birth date a 13-digit resident number encodes, or None when it encodes none."""
    century = _CENTURY.get(number[6])
    if century is None:
        return None
    try:
        return date(century + int(number[0:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        return None


def resident_check_digit(number: str) -> int:
    """The check digit of the first 12 digits: (11 - Σ dᵢ·wᵢ mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(number[:12], _RESIDENT_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def clean_resident_number(raw: str | None, field: str = "id_number") -> str:
    """A 주민등록번호 as 13 digits (hyphen and spaces dropped); Invalid otherwise (see the module
    docstring for when the check digit is required)."""
    number = _digits(raw, field)
    if len(number) != 13:
        raise Invalid(field, "id_number_format")
    born = resident_birth_date(number)
    if born is None:
        raise Invalid(field, "id_number_format")
    if born < RANDOM_SERIAL_SINCE and resident_check_digit(number) != int(number[12]):
        raise Invalid(field, "id_number_checksum")
    return number


def business_check_digit(number: str) -> int:
    """The check digit of a 사업자등록번호's first 9 digits (국세청's weights 1,3,7,1,3,7,1,3,5,
    plus the tens of the 9th digit times 5)."""
    total = sum(int(d) * w for d, w in zip(number[:9], _BUSINESS_WEIGHTS, strict=True))
    total += int(number[8]) * 5 // 10
    return (10 - total % 10) % 10


def clean_business_number(raw: str | None, field: str = "id_number") -> str:
    """A 사업자등록번호 as 10 digits; Invalid when malformed or its check digit is wrong."""
    number = _digits(raw, field)
    if len(number) != 10:
        raise Invalid(field, "id_number_format")
    if business_check_digit(number) != int(number[9]):
        raise Invalid(field, "id_number_checksum")
    return number


def clean_id_number(kind: DonorKind, raw: str | None, field: str = "id_number") -> str:
    if kind == DonorKind.COMPANY:
        return clean_business_number(raw, field)
    return clean_resident_number(raw, field)


def mask(kind: DonorKind, number: str) -> str:
    """What a page shows: 900101-1****** for a person, 123-45-***** for a company."""
    if kind == DonorKind.COMPANY:
        return f"{number[:3]}-{number[3:5]}-*****"
    return f"{number[:6]}-{number[6]}******"


def formatted(kind: DonorKind, number: str) -> str:
    """The number the way the tax office's forms write it: 900101-1234567, 123-45-67890."""
    if kind == DonorKind.COMPANY:
        return f"{number[:3]}-{number[3:5]}-{number[5:]}"
    return f"{number[:6]}-{number[6:]}"
