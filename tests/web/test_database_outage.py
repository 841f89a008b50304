"""A lost database answers 503 with Retry-After, and the app recovers by itself (issue 12, 4).

A TCP proxy the test owns stands between the app and PostgreSQL; cutting it drops every open
connection and refuses new ones, as a database restart or a network fault would.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from campaign import create_app
from campaign.models import Action
from campaign.services.reconcile import reconcile
from tests import conftest
from tests.databases import empty_all_tables
from tests.factories import PASSWORD, action, make_campaign, make_user
from tests.faults import CuttableProxy, through

pytestmark = [pytest.mark.postgres, pytest.mark.slow]  # about 10 s


@pytest.fixture
def pg(postgres_database: tuple[str, Engine]) -> tuple[str, Engine]:
    empty_all_tables(postgres_database[1])
    return postgres_database


@pytest.fixture
def proxy(pg: tuple[str, Engine]) -> Iterator[CuttableProxy]:
    parts = urlsplit(pg[0])
    running = CuttableProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    running.start()
    yield running
    if not running.cut_off:
        running.cut()


WORKERS = 3
BOUND = 300  # requests one worker may send while the database is cut: the test stops by itself


class Worker(threading.Thread):
    """Records actions with an Idempotency-Key each until it has seen the cut (three 503s in a
    row), waits for the database to come back, then retries what failed with the same keys."""

    def __init__(self, app: Flask, slug: str, auth: dict[str, str], barrier: threading.Barrier):
        super().__init__(daemon=True)
        self.client = app.test_client()
        self.url = f"/api/v1/campaigns/{slug}/actions"
        self.auth = auth
        self.barrier = barrier
        self.statuses: list[int] = []
        self.acknowledged: set[str] = set()
        self.failed: list[str] = []
        self.error: BaseException | None = None
        self.progress = threading.Semaphore(0)

    def send(self, key: str) -> int:
        response = self.client.post(
            self.url, json={"action": "cheer"}, headers={**self.auth, "Idempotency-Key": key}
        )
        if response.status_code == 201:
            self.acknowledged.add(key)
        elif response.status_code == 503:
            assert response.headers["Retry-After"] == "5"
            assert response.get_json()["error"]["code"] == "service_unavailable"
            self.failed.append(key)
        return response.status_code

    def run(self) -> None:
        try:
            in_a_row = 0
            for _ in range(BOUND):
                status = self.send(uuid.uuid4().hex)
                self.statuses.append(status)
                self.progress.release()
                in_a_row = in_a_row + 1 if status == 503 else 0
                if in_a_row == 3:
                    break
            self.barrier.wait(timeout=60)  # the cut was seen
            self.barrier.wait(timeout=60)  # the database is back
            for key in self.failed:
                assert self.send(key) == 201
            for _ in range(3):
                assert self.send(uuid.uuid4().hex) == 201
        except BaseException as exc:  # handed to the test thread
            self.error = exc
            self.barrier.abort()


def test_cut_database_is_a_503_then_recovers(pg: tuple[str, Engine], proxy: CuttableProxy) -> None:
    url, engine = pg
    with Session(engine) as session:
        campaign = make_campaign(session, actions=(action("cheer", worth_won=100),))
        user = make_user(session, email="doer@example.com")
        slug, email = campaign.slug, user.email
        session.commit()
    app: Flask = create_app(
        conftest.test_config(through(url, proxy.port), PROPAGATE_EXCEPTIONS=False)
    )
    client = app.test_client()
    try:
        token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
        assert token.status_code == 201, token.get_json()
        auth = {"Authorization": f"Bearer {token.get_json()['token']}"}
        joined = client.post(f"/api/v1/campaigns/{slug}/participants", headers=auth)
        assert joined.status_code == 201

        barrier = threading.Barrier(WORKERS + 1)
        workers = [Worker(app, slug, auth, barrier) for _ in range(WORKERS)]
        for worker in workers:
            worker.start()
        for worker in workers:  # under load: every worker has answers behind it
            for _ in range(3):
                assert worker.progress.acquire(timeout=60)
        proxy.cut()
        barrier.wait(timeout=120)

        # While it is cut, people get the error page in their language.
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert "데이터베이스에 연결할 수 없어요" in page.get_data(as_text=True)
        client.set_cookie("lang", "en")
        english = client.get(f"/c/{slug}")
        assert english.status_code == 503
        assert "cannot reach our database" in english.get_data(as_text=True)
        client.delete_cookie("lang")

        proxy.start()  # the database is back, on the same address
        barrier.wait(timeout=60)
        for worker in workers:
            worker.join(timeout=120)
            if worker.error is not None:
                raise worker.error
        assert client.get("/").status_code == 200
    finally:
        app.extensions["campaign.db"].engine.dispose()

    statuses = [status for worker in workers for status in worker.statuses]
    assert set(statuses) <= {201, 503} and 503 in statuses and 201 in statuses
    keys = set().union(*(worker.acknowledged for worker in workers))
    with Session(engine) as session:
        # Each acknowledged action once; a request cut mid-way was retried with its key.
        assert session.scalar(select(func.count()).select_from(Action)) == len(keys)
        assert reconcile(session) == []
