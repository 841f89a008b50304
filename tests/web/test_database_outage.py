"""A lost database answers 503 with Retry-After, and the app recovers by itself (issue 12, 4).

A TCP proxy the test owns stands between the app and PostgreSQL; cutting it drops every open
connection and refuses new ones, as a database restart or a network fault would.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

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

pytestmark = pytest.mark.postgres


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the database until cut; restore listens on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        for s in (source, sink):
            self._close(s)

    def _close(self, s: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(s)
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        s.close()

    def cut(self) -> None:
        assert self._listener is not None
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone does not)
        self._listener.close()
        self._listener = None
        with self._lock:
            open_sockets = list(self._sockets)
        for s in open_sockets:
            self._close(s)


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
    if running._listener is not None:
        running.cut()


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{port}"))


def test_cut_database_is_a_503_then_recovers(pg: tuple[str, Engine], proxy: CuttableProxy) -> None:
    url, engine = pg
    with Session(engine) as session:
        campaign = make_campaign(session, actions=(action("cheer", worth_won=100),))
        user = make_user(session, email="doer@example.com")
        slug, email = campaign.slug, user.email
        session.commit()
    app: Flask = create_app(
        conftest.test_config(_through(url, proxy.port), PROPAGATE_EXCEPTIONS=False)
    )
    client = app.test_client()
    try:
        token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
        assert token.status_code == 201, token.get_json()
        auth = {"Authorization": f"Bearer {token.get_json()['token']}"}
        assert client.post(f"/api/v1/campaigns/{slug}/participants", headers=auth).status_code in (
            200,
            201,
        )
        acknowledged = 0

        def act() -> int:
            return client.post(
                f"/api/v1/campaigns/{slug}/actions", json={"action": "cheer"}, headers=auth
            ).status_code

        for _ in range(5):
            assert act() == 201
            acknowledged += 1

        proxy.cut()
        for _ in range(5):
            response = client.post(
                f"/api/v1/campaigns/{slug}/actions", json={"action": "cheer"}, headers=auth
            )
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "5"
            assert response.get_json()["error"]["code"] == "service_unavailable"
            page = client.get("/", headers={"Accept": "text/html"})
            assert page.status_code == 503 and page.headers["Retry-After"] == "5"
            assert "데이터베이스에 연결할 수 없어요" in page.get_data(as_text=True)
            client.set_cookie("lang", "en")
            english = client.get(f"/c/{slug}").get_data(as_text=True)
            assert "cannot reach our database" in english
            client.delete_cookie("lang")

        proxy.start()  # the database is back, on the same address
        for _ in range(5):
            assert act() == 201
            acknowledged += 1
        assert client.get("/").status_code == 200
    finally:
        app.extensions["campaign.db"].engine.dispose()

    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Action)) == acknowledged
        assert reconcile(session) == []
