"""`flask dev` runs the scheduler in-process: it is what mails results after an admin's close
(the close request itself never does), so the links in that mail need the dev server's address."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from campaign import cli


def test_dev_starts_the_scheduler_with_its_own_address_for_mail_links(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    served: list[int] = []
    monkeypatch.setattr(
        cli.scheduler, "start_in_background", lambda a: started.append(a.config["PUBLIC_URL"])
    )
    monkeypatch.setattr(cli, "run_simple", lambda host, port, *a, **k: served.append(port))
    result = runner.invoke(args=["dev", "--port", "5055"])
    assert result.exit_code == 0, result.output
    assert started == ["http://127.0.0.1:5055"] and served == [5055]


def test_dev_keeps_a_public_url_that_is_set(make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    app: Flask = make_app(PUBLIC_URL="https://dev.example")
    started: list[str] = []
    monkeypatch.setattr(
        cli.scheduler, "start_in_background", lambda a: started.append(a.config["PUBLIC_URL"])
    )
    monkeypatch.setattr(cli, "run_simple", lambda *a, **k: None)
    assert app.test_cli_runner().invoke(args=["dev"]).exit_code == 0
    assert started == ["https://dev.example"]
