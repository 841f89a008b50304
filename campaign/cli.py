"""``flask --app campaign …`` commands. Each one calls the same services as the web."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import BinaryIO

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from werkzeug.serving import run_simple

from campaign import migrate, scheduler
from campaign.db import database
from campaign.demo import DEMO_PASSWORD, seed_demo
from campaign.errors import DomainError, Forbidden, Invalid
from campaign.exports import FORMATS
from campaign.http import result_mail
from campaign.http.error_messages import message_for
from campaign.http.receipt_keys import receipt_cipher
from campaign.models import User
from campaign.models.types import utcnow
from campaign.rules.campaign_spec import spec_from_json
from campaign.rules.images import ImageLimits
from campaign.services import campaign_management, lifecycle, onboarding
from campaign.services.accounts import find_user_by_email
from campaign.services.campaigns import campaign_at
from campaign.services.corrections import void_action, void_gift
from campaign.services.exports import export_settlement
from campaign.services.reconcile import reconcile
from campaign.services.settlement import settlement_for
from campaign.storage import ImageStore
from campaign.web.images import image_store
from campaign.web.images import limits as image_limits


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
            user, created = onboarding.make_admin(
                session, email=email, password=password, now=utcnow()
            )
            message = f"{'created' if created else 'promoted'} admin {user.email}"
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.params}") from exc
    click.echo(message)


def demo_pictures() -> tuple[ImageStore, ImageLimits]:
    return image_store(), image_limits()


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo partners, campaigns and accounts (running it again changes nothing)."""
    with database().transaction() as session:
        report = seed_demo(session, utcnow(), demo_pictures())
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
            found = campaign_at(session, slug)
            campaign_id = found.id if found else None
            if campaign_id is None:
                raise click.ClickException(f"no campaign {slug!r}")
        differences = reconcile(session, campaign_id)
    for difference in differences:
        click.echo(str(difference))
    if differences:
        raise SystemExit(1)
    click.echo("counters match the ledger")


@click.command("close-due")
@with_appcontext
def close_due_command() -> None:
    """Close every campaign whose end has passed (the scheduler's close sweep, once)."""
    closed = scheduler.close_due(database(), utcnow())
    click.echo(f"closed: {', '.join(closed)}" if closed else "nothing to close")
    mailed = result_mail.send_pending()
    if mailed:
        click.echo(f"result mails sent: {mailed}")


@click.command("export")
@click.argument("slug")
@click.option(
    "--partner",
    "partner_id",
    type=int,
    default=None,
    help="Only this partner's part (default: the whole settlement, every partner).",
)
@click.option(
    "--format", "format_name", type=click.Choice(sorted(FORMATS)), default="csv", show_default=True
)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def export_command(slug: str, partner_id: int | None, format_name: str, out: str) -> None:
    """Write a closed campaign's settlement export to a file (the same export as the admin page)."""
    try:
        with database().transaction() as session:
            campaign = campaign_at(session, slug)
            if campaign is None:
                raise click.ClickException(f"no campaign {slug!r}")
            exported = export_settlement(
                session,
                campaign,
                partner_id=partner_id,
                format_name=format_name,
                actor=None,
                actor_label="cli",
                now=utcnow(),
                cipher=receipt_cipher(),
            )
            record = exported.record
            with exported.file, Path(out).open("wb") as target:
                for piece in exported.chunks():
                    target.write(piece)
    except DomainError as exc:
        raise click.ClickException(f"{exc.code} {exc.params or ''}".strip()) from exc
    click.echo(
        f"wrote {out}: {record.row_count} rows, {record.total_won} won, sha256 {record.sha256}"
    )


@click.command("settle")
@click.argument("slug")
@click.option("--sent", is_flag=True, help="Mark the settlement as sent (campaign → settled).")
@with_appcontext
def settle_command(slug: str, sent: bool) -> None:
    """Show a closed campaign's settlement; with --sent, mark it sent to the partners."""
    with database().transaction() as session:
        campaign = campaign_at(session, slug)
        if campaign is None:
            raise click.ClickException(f"no campaign {slug!r}")
        settlement = settlement_for(session, campaign)
        if settlement is None:
            raise click.ClickException(f"{slug} is {campaign.status.value}: close it first")
        if sent and not lifecycle.mark_sent(
            session, campaign, actor=None, now=utcnow(), actor_label="cli"
        ):
            click.echo("already settled")
        click.echo(
            f"{slug} [{campaign.status.value}] total {settlement.total_won} won, "
            f"{settlement.actions} actions, {settlement.participants} participants, "
            f"ledger {settlement.ledger_digest}"
        )


@click.command("void")
@click.argument("slug")
@click.argument("what", type=click.Choice(["action", "gift"]))
@click.argument("target_id", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Why (stored, audited and told to the person).")
@click.option("--admin", "admin_email", required=True, help="The admin's email (the actor).")
@with_appcontext
def void_command(slug: str, what: str, target_id: int, reason: str, admin_email: str) -> None:
    """Void one counted action or gift of SLUG: a reversing row, counters moved back, audited."""
    try:
        with database().transaction() as session:
            campaign = campaign_at(session, slug)
            if campaign is None:
                raise click.ClickException(f"no campaign {slug!r}")
            admin = session.scalar(select(User).where(User.email == admin_email.strip().lower()))
            if admin is None or not admin.is_admin:
                raise click.ClickException(f"{admin_email} is not an admin")
            use_case = void_action if what == "action" else void_gift
            voided = use_case(
                session, campaign, target_id, reason=reason, actor=admin, now=utcnow()
            )
            returned = voided.correction.won_returned + voided.correction.gift_won
    except DomainError as exc:
        raise click.ClickException(f"{exc.code} {exc.params or ''}".strip()) from exc
    click.echo(f"voided {what} {target_id} of {slug}: {returned} won back")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler (its own process in production; a second copy waits for the lock)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler.run_forever(current_app._get_current_object())


@click.group("campaigns", cls=AppGroup)
def campaigns_group() -> None:
    """Set up campaigns directly (the same services as the admin pages)."""


def _fail(error: dict[str, object]) -> None:
    click.echo(json.dumps({"error": error}, ensure_ascii=False))
    raise SystemExit(1)


@campaigns_group.command("create")
@click.option(
    "--from",
    "source",
    type=click.File("rb"),
    required=True,
    help="A JSON file in the shape of the API's campaign detail (GET /api/v1/campaigns/SLUG).",
)
@click.option("--by", "by_email", default=None, help="The admin recorded as its creator.")
@click.option("--season-of", "season_of", default=None, help="Make it the next season of SLUG.")
def campaigns_create(source: BinaryIO, by_email: str | None, season_of: str | None) -> None:
    """Create a scheduled campaign from a JSON file; print it (or the error) as JSON.

    Exit 0 with {"created": {...}}; exit 1 with {"error": {"code", "field", "message"}} and
    nothing written when the file cannot be read or the campaign could not run.
    """
    try:
        data = json.loads(source.read())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail({"code": "bad_json", "message": f"not a JSON document: {exc}"})
    now = utcnow()
    try:
        with database().transaction() as session:
            admin = find_user_by_email(session, by_email) if by_email else None
            if by_email and (admin is None or not admin.is_admin):
                raise Forbidden()
            predecessor = campaign_at(session, season_of) if season_of else None
            if season_of and predecessor is None:
                raise Invalid("season_of", "unknown_campaign")
            campaign = campaign_management.create_directly(
                session, admin, spec_from_json(data), now, season_of=predecessor
            )
            created = {"id": campaign.id, "slug": campaign.slug, "status": campaign.status.value}
    except DomainError as exc:
        error: dict[str, object] = {"code": exc.code, "message": message_for(exc)}
        if isinstance(exc, Invalid):
            error.update(field=exc.field, reason=exc.reason)
        _fail(error)
    click.echo(json.dumps({"created": created}, ensure_ascii=False))


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
            report = seed_demo(session, utcnow(), demo_pictures())
    else:
        report = [f"demo log-ins: see README (password {DEMO_PASSWORD})"]
    click.echo(f"\n  aesseuji is running on http://{host}:{port}/\n")
    for line in report:
        click.echo(f"  {line}")
    click.echo("")
    app = current_app._get_current_object()
    # The in-process scheduler mails results (an admin's close included) outside any request,
    # so its links need the site's address.
    if not app.config["PUBLIC_URL"]:
        app.config["PUBLIC_URL"] = f"http://{host}:{port}"
    scheduler.start_in_background(app)
    # Not app.run(): Flask ignores that under the `flask` command. No reloader: it would start
    # a second process, and with it a second scheduler.
    run_simple(host, port, app, use_reloader=False, threaded=True)


def init_app(app: Flask) -> None:
    for command in (
        create_admin_command,
        seed_demo_command,
        reconcile_command,
        close_due_command,
        settle_command,
        export_command,
        void_command,
        scheduler_command,
        campaigns_group,
        db_group,
        dev_command,
    ):
        app.cli.add_command(command)
