import pytest

from campaign.errors import Invalid
from campaign.rules.accounts import check_password, clean_display_name, mask_name, normalize_email


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
