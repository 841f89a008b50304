from datetime import timedelta

import pytest

from campaign.errors import Invalid
from campaign.rules.accounts import (
    check_password,
    clean_display_name,
    lock_after,
    mask_name,
    normalize_email,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kim@Example.COM", "kim@example.com"),
        ("  a.b+c@sub.example.co.kr ", "a.b+c@sub.example.co.kr"),
    ],
)
def test_normalize_email_accepts(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "plain", "a@b", "a@@b.com", "a b@c.com", "a@b..com", "@example.com", "x" * 250 + "@a.com"],
)
def test_normalize_email_refuses(raw: str) -> None:
    with pytest.raises(Invalid) as info:
        normalize_email(raw)
    assert info.value.field == "email"


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short", "password_short"), ("aaaaaaaaaaaa", "password_weak"), ("x" * 201, "password_long")],
)
def test_check_password_refuses(password: str, reason: str) -> None:
    with pytest.raises(Invalid) as info:
        check_password(password)
    assert info.value.reason == reason


def test_password_equal_to_email_is_weak() -> None:
    with pytest.raises(Invalid) as info:
        check_password("kim@example.com", "kim@example.com")
    assert info.value.reason == "password_weak"


def test_display_name_is_trimmed_and_checked() -> None:
    assert clean_display_name("  홍   길동 ") == "홍 길동"
    for bad, reason in [("   ", "required"), ("x" * 41, "too_long"), ("a\x00b", "bad_characters")]:
        with pytest.raises(Invalid) as info:
            clean_display_name(bad)
        assert info.value.reason == reason


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("홍길동", "홍*동"),
        ("김철", "김*"),
        ("남궁민수", "남**수"),
        ("A", "*"),
        ("Alexander", "A*******r"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize("raw", ["a\x00b@example.com", "a\ud800b@example.com", "a\x07@example.com"])
def test_emails_the_database_cannot_store_are_refused(raw: str) -> None:
    with pytest.raises(Invalid):
        normalize_email(raw)


@pytest.mark.parametrize("password", ["correct horse\x00battery", "correct horse \ud800 battery"])
def test_passwords_that_cannot_be_stored_are_refused(password: str) -> None:
    with pytest.raises(Invalid) as info:
        check_password(password)
    assert info.value.reason == "bad_characters"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ａｄｍｉｎ@ａｅｓｓｅｕｊｉ.example", "admin@aesseuji.example"),  # full-width → ASCII
        ("admin＠aesseuji.example", "admin@aesseuji.example"),  # full-width at sign
        ("홍길동@example.com", "홍길동@example.com"),  # one script per label
        ("kim홍길동@example.co.kr", "kim홍길동@example.co.kr"),  # Latin with Hangul is written
        ("yamada山田@example.jp", "yamada山田@example.jp"),
        ("иван@пример.рф", "иван@пример.рф"),  # all Cyrillic
        ("a1-b_c@ex-ample.com", "a1-b_c@ex-ample.com"),  # digits and punctuation are common
    ],
)
def test_normalize_email_accepts_unambiguous_addresses(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "admin\u200b@aesseuji.example",  # zero-width space
        "admin@aesseuji\u200d.example",  # zero-width joiner
        "\ufeffadmin@aesseuji.example",  # byte order mark
        "admin\u00ad@aesseuji.example",  # soft hyphen
        "admin\u202e@aesseuji.example",  # right-to-left override
        "admin\u2066@aesseuji.example",  # left-to-right isolate
        "\u0430dmin@aesseuji.example",  # Cyrillic а in a Latin local part
        "admin@\u0430esseuji.example",  # Cyrillic а in a Latin domain label
        "p\u03b1ypal@example.com",  # Greek alpha
        "admin@aesseuji.exampl\u0435",  # Cyrillic е in the top-level domain
    ],
)
def test_normalize_email_refuses_confusable_addresses(raw: str) -> None:
    with pytest.raises(Invalid) as info:
        normalize_email(raw)
    assert (info.value.field, info.value.reason) == ("email", "email_confusable")


def test_a_label_may_use_another_script_than_its_neighbour() -> None:
    """Mixed scripts are judged per label: a Cyrillic mailbox at a Latin domain is one
    mailbox name in one alphabet, and not a look-alike of a Latin one."""
    assert normalize_email("иван@example.com") == "иван@example.com"


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(0, 0), (1, 0), (4, 0), (5, 1), (6, 2), (7, 4), (8, 8), (9, 15), (10, 15), (500, 15)],
)
def test_log_in_lock_grows_stepwise_and_stays_short(failures: int, minutes: int) -> None:
    assert lock_after(failures) == timedelta(minutes=minutes)
