"""``flask --app campaign …`` commands. Each one calls the same services as the web."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from campaign import migrate
from campaign.db import database
from campaign.errors import DomainError
from campaign.models import Campaign
from campaign.models.types import utcnow
from campaign.services import accounts
from campaign.services.demo import DEMO_PASSWORD, seed_demo
from campaign.services.reconcile import reconcile


@click.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_admin_command(email: str, password_stdin: bool) -> None:
    """Create EMAIL as an admin, or promote the existing account."""
    if password_stdin:
        password: str | None = sys.stdin.readline().rstrip("\n") or None
    else:
        password = (
            click.prompt(
                "Password (leave empty to keep an existing account's)",
                hide_input=True,
                confirmation_prompt=True,
                default="",
                show_default=False,
            )
            or None
        )
    try:
        with database().transaction() as session:
            user, created = accounts.create_or_promote_admin(
                session, email=email, password=password, now=utcnow()
            )
            message = f"{'created' if created else 'promoted'} admin {user.email}"
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.params}") from exc
    click.echo(message)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo partners, campaigns and accounts (running it again changes nothing)."""
    with database().transaction() as session:
        report = seed_demo(session, utcnow())
    for line in report:
        click.echo(line)


@click.command("reconcile")
@click.option("--campaign", "slug", default=None, help="Only this campaign (slug).")
@with_appcontext
def reconcile_command(slug: str | None) -> None:
    """Recompute every counter from the ledger; exit 1 and list them when any differs."""
    with database().transaction() as session:
        campaign_id = None
        if slug:
            campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == slug))
            if campaign_id is None:
                raise click.ClickException(f"no campaign {slug!r}")
        differences = reconcile(session, campaign_id)
    for difference in differences:
        click.echo(str(difference))
    if differences:
        raise SystemExit(1)
    click.echo("counters match the ledger")


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    migrate.upgrade(database().engine, revision)


@db_group.command("downgrade", context_settings={"ignore_unknown_options": True})
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    migrate.downgrade(database().engine, revision)


@db_group.command("current")
def db_current() -> None:
    click.echo(migrate.current_revision(database().engine) or "(empty)")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new revision from the difference between the models and the database."""
    migrate.autogenerate(database().engine, message)


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def dev_command(host: str, port: int) -> None:
    """Migrate, load the demo data into a new database, and serve the site (development)."""
    engine = database().engine
    is_new = migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    if is_new:
        with database().transaction() as session:
            report = seed_demo(session, utcnow())
    else:
        report = [f"demo log-ins: see README (password {DEMO_PASSWORD})"]
    click.echo(f"\n  aesseuji is running on http://{host}:{port}/\n")
    for line in report:
        click.echo(f"  {line}")
    click.echo("")
    current_app.run(host=host, port=port, use_reloader=False, threaded=True)


def init_app(app: Flask) -> None:
    for command in (
        create_admin_command,
        seed_demo_command,
        reconcile_command,
        db_group,
        dev_command,
    ):
        app.cli.add_command(command)
