"""The shared paging helper: pages, a search term taken literally, and out-of-range pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import User
from campaign.services.accounts import users_page
from campaign.services.paging import clean_query, page_number, page_of, search
from tests.factories import make_user


def people(session: Session, count: int, name: str = "사람") -> list[User]:
    return [make_user(session, name=f"{name}{n:02d}") for n in range(count)]


def test_pages_cover_every_row_once_in_order(session: Session) -> None:
    made = people(session, 7)
    statement = select(User).order_by(User.id)
    pages = [page_of(session, statement, n, per_page=3) for n in (1, 2, 3)]
    assert [p.number for p in pages] == [1, 2, 3]
    assert {(p.pages, p.total) for p in pages} == {(3, 7)}
    assert [u.id for p in pages for u in p.items] == [u.id for u in made]
    assert (pages[0].has_previous, pages[0].has_next) == (False, True)
    assert (pages[2].has_previous, pages[2].has_next) == (True, False)
    # Beyond the last page: the last page; below the first: the first.
    assert page_of(session, statement, 99, per_page=3).items == pages[2].items
    assert page_of(session, statement, -4, per_page=3).number == 1


def test_no_rows_is_one_empty_page(session: Session) -> None:
    page = page_of(session, select(User).where(User.id < 0).order_by(User.id), 1)
    assert (page.items, page.number, page.pages, page.total) == ([], 1, 1, 0)


def test_search_matches_any_column_and_takes_wildcards_literally(session: Session) -> None:
    people(session, 3, "김민지")
    odd = make_user(session, email="under_score%@example.com", name="특수")
    make_user(session, email="underXscoreY@example.com", name="비슷")
    statement = select(User).order_by(User.id)
    assert (
        page_of(session, search(statement, "민지", (User.email, User.display_name)), 1).total == 3
    )
    found = page_of(session, search(statement, "R_SCORE%", (User.email, User.display_name)), 1)
    assert [u.id for u in found.items] == [odd.id]  # case-insensitive, % and _ literal
    assert page_of(session, search(statement, "  ", (User.email,)), 1).total >= 5


def test_the_admin_user_list_is_paged_and_searchable(session: Session) -> None:
    people(session, 55, "페이지")
    first, second = users_page(session, "페이지", 1), users_page(session, "페이지", 2)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (55, 2, 50, 5)
    assert not {u.id for u in first.items} & {u.id for u in second.items}
    assert first.items[0].id > first.items[-1].id  # newest first


@pytest.mark.parametrize(
    ("raw", "number"),
    [(None, 1), ("", 1), ("3", 3), ("0", 1), ("-2", 1), ("x", 1), ("٣", 1), ("9" * 40, 1)],
)
def test_page_numbers_from_the_address(raw: str | None, number: int) -> None:
    assert page_number(raw) == number


def test_search_terms_are_folded_and_cut() -> None:
    assert clean_query("  김   민지 ") == "김 민지"
    assert len(clean_query("가" * 500)) == 100
