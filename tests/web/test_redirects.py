import pytest

from campaign.web.redirects import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/me", "/me"),
        ("/c/green-edoc?tab=rules", "/c/green-edoc?tab=rules"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("http:/evil", "/"),
        ("javascript:alert(1)", "/"),
        ("evil.example", "/"),
        ("/\tevil", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
