"""The factory, settings, health check and commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from campaign import create_app
from campaign.config import ConfigError, load_settings
from campaign.db import database
from campaign.demo import DEMO_ACCOUNTS
from campaign.models import Role, User
from campaign.services.receipt_cipher import development_key
from tests.factories import make_user


def test_importing_the_package_creates_no_app() -> None:
    import campaign

    assert not hasattr(campaign, "app")


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(tmp_path, {"CAMPAIGN_ENV": "production"})
    with pytest.raises(ConfigError):
        load_settings(tmp_path, {"CAMPAIGN_ENV": "production", "SECRET_KEY": "changeme"})
    with pytest.raises(ConfigError, match="RECEIPT_KEY"):
        load_settings(tmp_path, {"CAMPAIGN_ENV": "production", "SECRET_KEY": "k" * 40})
    production = {"CAMPAIGN_ENV": "production", "SECRET_KEY": "k" * 40}
    with pytest.raises(ConfigError, match="RECEIPT_KEY"):
        load_settings(tmp_path, {**production, "RECEIPT_KEY": "not-a-fernet-key"})
    key = Fernet.generate_key().decode()
    settings = load_settings(tmp_path, {**production, "RECEIPT_KEY": f"{key}, {key}"})
    assert settings["RECEIPT_KEY"] == f"{key}, {key}"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True


def test_development_derives_the_receipt_key_from_the_secret_key(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {"SECRET_KEY": "dev-secret"})
    assert settings["RECEIPT_KEY"] == development_key("dev-secret")
    assert development_key("dev-secret") != development_key("other-secret")
    Fernet(settings["RECEIPT_KEY"])  # a usable key


def test_development_keeps_a_generated_key_across_restarts(tmp_path: Path) -> None:
    first = load_settings(tmp_path, {})["SECRET_KEY"]
    second = load_settings(tmp_path, {})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load_settings(tmp_path, {})["SESSION_COOKIE_SECURE"] is False


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path,
        {
            "DATABASE_URL": "postgresql://db/x",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "CREW_EMAIL_DOMAINS": "Corp.example, @other.example",
        },
    )
    assert settings["DATABASE_URL"] == "postgresql://db/x"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert settings["CREW_EMAIL_DOMAINS"] == ("corp.example", "other.example")
    assert load_settings(tmp_path, {})["DATABASE_URL"].startswith("sqlite:///")


def test_factory_does_not_create_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x" * 40})
    with app.app_context():
        from sqlalchemy import inspect

        assert inspect(database(app).engine).get_table_names() == []
    database(app).engine.dispose()


def test_healthz_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] is True


def test_healthz_503_when_the_database_is_gone(tmp_path: Path) -> None:
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/x.db", "SECRET_KEY": "x" * 40}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] is False


def test_create_admin_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["create-admin", "Root@Example.com", "--password-stdin"],
        input="a long admin password\n",
    )
    assert result.exit_code == 0, result.output
    assert "created admin root@example.com" in result.output
    with database(app).transaction() as session:
        assert (
            session.scalar(select(User.role).where(User.email == "root@example.com")) == Role.ADMIN
        )


def test_create_admin_promotes_an_existing_account(app: Flask, runner: FlaskCliRunner) -> None:
    with database(app).transaction() as session:
        make_user(session, email="promote@example.com")
    result = runner.invoke(
        args=["create-admin", "promote@example.com", "--password-stdin"], input="\n"
    )
    assert result.exit_code == 0, result.output
    assert "promoted" in result.output
    with database(app).transaction() as session:
        assert (
            session.scalar(select(User.role).where(User.email == "promote@example.com"))
            == Role.ADMIN
        )


def test_create_admin_refuses_bad_input(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-admin", "not-an-email", "--password-stdin"], input="x\n")
    assert result.exit_code != 0
    assert "invalid" in result.output


def test_seed_demo_twice_changes_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with database(app).transaction() as session:
        first = session.scalars(select(User.email).order_by(User.email)).all()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with database(app).transaction() as session:
        assert session.scalars(select(User.email).order_by(User.email)).all() == first
    assert {email for email, _n, _r in DEMO_ACCOUNTS} <= set(first)
