"""Long admin lists a page at a time, optionally narrowed by a search term.

``search`` adds "any of these columns contains the term" (case-insensitive, the term's own
``%`` and ``_`` taken literally); ``page_of`` counts the rows and reads one page. A page number
beyond the last shows the last page, so a link kept after rows were removed still shows rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

T = TypeVar("T")
PER_PAGE = 50
QUERY_MAX = 100  # longer search terms are cut: nobody types more, and LIKE stays cheap


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int  # 1-based
    pages: int  # at least 1, even when there are no rows
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def clean_query(text: str | None) -> str:
    return " ".join((text or "").split())[:QUERY_MAX]


def page_number(text: str | None) -> int:
    """A ``?page=`` value as a page number: anything that is not a positive number is 1."""
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        return 1
    return max(1, int(value))


def search(statement: Select[Any], query: str, columns: Sequence[Any]) -> Select[Any]:
    """``statement`` keeping only rows where one of ``columns`` contains ``query``."""
    term = clean_query(query).lower()
    if not term:
        return statement
    for special in ("\\", "%", "_"):
        term = term.replace(special, "\\" + special)
    like = f"%{term}%"
    matches: list[ColumnElement[bool]] = [
        func.lower(column).like(like, escape="\\") for column in columns
    ]
    return statement.where(or_(*matches))


def page_of(
    session: Session, statement: Select[Any], number: int, per_page: int = PER_PAGE
) -> Page[Any]:
    """Page ``number`` of ``statement``'s rows (it must be ordered, with a unique last key)."""
    total = int(
        session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, number), pages)
    items = list(session.scalars(statement.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, pages=pages, total=total)
