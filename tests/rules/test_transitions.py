from datetime import UTC, datetime, timedelta

import pytest

from campaign.errors import IllegalTransition, Invalid
from campaign.rules.states import CampaignStatus as S
from campaign.rules.transitions import Transition as T
from campaign.rules.transitions import available, check, check_extension, check_reason

ALL = list(S)
LEGAL = {
    (T.OPEN, S.SCHEDULED): S.ACTIVE,
    (T.PAUSE, S.ACTIVE): S.PAUSED,
    (T.RESUME, S.PAUSED): S.ACTIVE,
    (T.CLOSE, S.ACTIVE): S.CLOSED,
    (T.CLOSE, S.PAUSED): S.CLOSED,
    (T.CANCEL, S.SCHEDULED): S.CANCELLED,
    (T.CANCEL, S.ACTIVE): S.CANCELLED,
    (T.CANCEL, S.PAUSED): S.CANCELLED,
    (T.SETTLE, S.CLOSED): S.SETTLED,
    (T.EXTEND, S.SCHEDULED): S.SCHEDULED,
    (T.EXTEND, S.ACTIVE): S.ACTIVE,
    (T.EXTEND, S.PAUSED): S.PAUSED,
}


@pytest.mark.parametrize("transition", list(T))
@pytest.mark.parametrize("status", ALL)
def test_every_transition_from_every_status(transition: T, status: S) -> None:
    expected = LEGAL.get((transition, status))
    if expected is None:
        with pytest.raises(IllegalTransition) as info:
            check(transition, status)
        assert info.value.params == {"transition": transition.value, "status": status.value}
    else:
        assert check(transition, status) == expected


def test_available_lists_exactly_the_legal_ones() -> None:
    for status in ALL:
        assert set(available(status)) == {t for (t, s) in LEGAL if s == status}


NOW = datetime(2026, 11, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    ("new_end", "reason"),
    [
        (NOW + timedelta(days=5), "extend_later"),  # same as the current end
        (NOW + timedelta(days=4), "extend_later"),
    ],
)
def test_extension_must_move_the_end_later(new_end: datetime, reason: str) -> None:
    with pytest.raises(Invalid) as info:
        check_extension(NOW + timedelta(days=5), new_end, NOW - timedelta(days=1), NOW)
    assert info.value.reason == reason


def test_extension_of_a_past_end_must_reach_the_future() -> None:
    with pytest.raises(Invalid) as info:
        check_extension(
            NOW - timedelta(days=2), NOW - timedelta(days=1), NOW - timedelta(days=9), NOW
        )
    assert info.value.reason == "date_order"
    check_extension(NOW - timedelta(days=2), NOW + timedelta(days=1), NOW - timedelta(days=9), NOW)


def test_reason_is_required_and_bounded() -> None:
    assert check_reason("  sponsor   withdrew ") == "sponsor withdrew"
    for bad, why in [("", "required"), ("   ", "required"), ("x" * 501, "too_long")]:
        with pytest.raises(Invalid) as info:
            check_reason(bad)
        assert info.value.reason == why
