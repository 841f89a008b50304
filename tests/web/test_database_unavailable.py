"""Each kind of database fault answers 503 with Retry-After, never 500 (issue 12, 4).

The real outage, on PostgreSQL through a proxy that is cut, is tests/web/test_database_outage.py.
"""

from __future__ import annotations

import psycopg
import pytest
from flask import Flask
from sqlalchemy import exc as sa_exc

from campaign.http.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from tests.web.helpers import AuthActions
from tests.web.test_admin_campaigns import setup_campaign

FAULTS = {
    "operational": sa_exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("gone")),
    "interface": sa_exc.InterfaceError("SELECT 1", {}, psycopg.InterfaceError("closed")),
    "disconnection": sa_exc.DisconnectionError("gone"),
    "pool_timeout": sa_exc.TimeoutError("QueuePool limit reached"),
    "psycopg": psycopg.OperationalError("connection refused"),
}


@pytest.fixture
def faulty_app(app: Flask) -> Flask:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fault(kind: str) -> str:
        raise FAULTS[kind]

    app.add_url_rule("/test-fault/<kind>", view_func=fault)
    app.add_url_rule("/api/v1/test-fault/<kind>", endpoint="api_fault", view_func=fault)
    return app


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_a_database_fault_is_a_503(faulty_app: Flask, kind: str) -> None:
    assert isinstance(FAULTS[kind], DATABASE_UNAVAILABLE)
    client = faulty_app.test_client()
    api = client.get(f"/api/v1/test-fault/{kind}")
    assert api.status_code == 503
    assert api.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert api.get_json()["error"]["code"] == "service_unavailable"
    page = client.get(f"/test-fault/{kind}")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "데이터베이스에 연결할 수 없어요" in page.get_data(as_text=True)
    client.get("/lang/en")
    english = client.get(f"/test-fault/{kind}").get_data(as_text=True)
    assert "cannot reach our database" in english


def test_the_page_is_rendered_as_to_a_visitor(faulty_app: Flask) -> None:
    setup_campaign(faulty_app)
    client = faulty_app.test_client()
    assert AuthActions(client).login("admin@example.com").status_code == 302
    page = client.get("/test-fault/operational")
    assert page.status_code == 503
    # Rendering the person's name and badges would ask the database that just failed.
    assert 'href="/login' in page.get_data(as_text=True)
