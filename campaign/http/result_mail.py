"""The mails of a campaign's end: each participant's result at close, the winners' "you won",
and the notice of a cancellation. Results are sent by the scheduler's mail_results job or the CLI
(an app context, no request: links then use PUBLIC_URL), never inside an admin's request; the
cancellation notice still goes after the commit of its request (after_commit)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app, has_request_context, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign import mail
from campaign.db import database
from campaign.models import Campaign, Participant, User
from campaign.models.types import utcnow
from campaign.services import results
from campaign.services.settlement import settlement_for

log = logging.getLogger(__name__)


def absolute(path: str) -> str:
    """``path`` on the site's public address (PUBLIC_URL, else the request's own)."""
    base = current_app.config.get("PUBLIC_URL") or (
        request.url_root if has_request_context() else ""
    )
    return base.rstrip("/") + path


def send_results(campaign_id: int) -> int:
    """Mail a closed campaign's results to its participants, once per settlement (whoever
    claims it first sends; the claim is committed before the first mail). Returns how many
    mails were handed to the mail server."""
    db = database()
    with db.transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        settlement = settlement_for(session, campaign) if campaign else None
        if campaign is None or settlement is None:
            return 0
        if not results.claim_results(session, campaign, settlement, utcnow()):
            return 0
    sent = 0
    with db.read_sessions() as session, force_locale("ko"):
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        settlement = settlement_for(session, campaign)
        assert settlement is not None
        page = absolute(f"/c/{campaign.slug}")
        prize = absolute(f"/c/{campaign.slug}/prize")
        for letter in results.letters(session, campaign, settlement):
            body = render_template(
                "mail/campaign_result.html",
                campaign=campaign,
                settlement=settlement,
                letter=letter,
                page=page,
                prize=prize,
            )
            subject = (
                _("You won the prize draw of “%(title)s”", title=campaign.title)
                if letter.won_draw
                else _("The result of “%(title)s”", title=campaign.title)
            )
            sent += _send(letter.email, subject, body)
    log.info("result mails of campaign %s: %s sent", campaign_id, sent)
    return sent


def send_pending() -> int:
    """Mail every closed campaign's results that nobody has mailed yet (the scheduler's
    catch-up for the closes it made itself)."""
    with database().transaction() as session:
        pending = results.unmailed(session)
    return sum(send_results(campaign_id) for campaign_id in pending)


def send_cancelled(campaign_id: int, reason: str) -> int:
    """Tell every participant (verified address) that the campaign was cancelled."""
    sent = 0
    with database().read_sessions() as session, force_locale("ko"):
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            return 0
        page = absolute(f"/c/{campaign.slug}")
        for user in _participants(session, campaign):
            body = render_template(
                "mail/campaign_cancelled.html",
                campaign=campaign,
                user=user,
                reason=reason,
                page=page,
            )
            sent += _send(user.email, _("“%(title)s” is cancelled", title=campaign.title), body)
    return sent


def _participants(session: Session, campaign: Campaign) -> Iterable[User]:
    return session.scalars(
        select(User)
        .join(Participant, Participant.user_id == User.id)
        .where(
            Participant.campaign_id == campaign.id,
            User.active.is_(True),
            User.email_verified_at.is_not(None),
        )
        .order_by(Participant.id)
        .execution_options(yield_per=500)
    )


def _send(address: str, subject: str, body: str) -> int:
    config = current_app.config
    return int(mail.send(config, mail.compose(config, to=address, subject=subject, body=body)))
