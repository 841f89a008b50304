"""Each request is one unit of work: the boundary commits an answer below 400 and rolls back an
error answer or a raised error, unless the view asked to keep its refusal; mail queued with
``after_commit`` goes only after a commit. No view module commits or rolls back itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign import db
from campaign.errors import NotFound
from campaign.models import Partner
from tests.factories import make_partner

VIEW_PACKAGES = ("web", "api")
TRANSACTION_CALL = re.compile(r"\.(commit|rollback)\(")


def test_no_view_module_commits_or_rolls_back() -> None:
    root = Path(db.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}"
        for package in VIEW_PACKAGES
        for path in sorted((root / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TRANSACTION_CALL.search(line)
    ]
    assert found == []


@pytest.fixture
def sent(app: Flask) -> list[str]:
    mails: list[str] = []

    def write(name: str, status: int, *, keep: bool = False) -> tuple[str, int]:
        make_partner(db.get_session(), name)
        db.after_commit(lambda: mails.append(name))
        if keep:
            db.keep_on_error()
        return name, status

    def raising(name: str) -> str:
        make_partner(db.get_session(), name)
        db.after_commit(lambda: mails.append(name))
        raise NotFound()

    def discarded(name: str) -> str:
        make_partner(db.get_session(), name + "-dropped")
        db.discard_changes()
        make_partner(db.get_session(), name)
        return name

    app.add_url_rule("/t/ok/<name>", "t_ok", lambda name: write(name, 200), methods=["POST"])
    app.add_url_rule(
        "/t/refused/<name>", "t_refused", lambda name: write(name, 422), methods=["POST"]
    )
    app.add_url_rule(
        "/t/kept/<name>", "t_kept", lambda name: write(name, 409, keep=True), methods=["POST"]
    )
    app.add_url_rule("/t/raised/<name>", "t_raised", raising, methods=["POST"])
    app.add_url_rule("/t/discarded/<name>", "t_discarded", discarded, methods=["POST"])
    db.unit_of_work(app)
    return mails


def _stored(session: Session, name: str) -> bool:
    return session.scalar(select(Partner.id).where(Partner.name == name)) is not None


@pytest.mark.parametrize(
    ("route", "status", "kept"),
    [("ok", 200, True), ("refused", 422, False), ("kept", 409, True), ("raised", 404, False)],
)
def test_the_boundary_commits_success_and_kept_refusals_only(
    client: FlaskClient,
    sent: list[str],
    session: Session,
    route: str,
    status: int,
    kept: bool,
) -> None:
    name = f"uow-{route}"
    assert client.post(f"/t/{route}/{name}").status_code == status
    assert _stored(session, name) is kept
    assert sent == ([name] if kept else [])


def test_discarded_work_is_gone_and_later_work_is_committed(
    client: FlaskClient, sent: list[str], session: Session
) -> None:
    assert client.post("/t/discarded/uow-later").status_code == 200
    assert _stored(session, "uow-later")
    assert not _stored(session, "uow-later-dropped")
