"""Helpers for driving the site through the test client."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, **extra: str) -> TestResponse:
        return self.client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self) -> TestResponse:
        return self.client.post("/logout")

    def signup(self, email: str, name: str = "홍길동", password: str = PASSWORD) -> TestResponse:
        return self.client.post(
            "/signup", data={"email": email, "display_name": name, "password": password}
        )


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
