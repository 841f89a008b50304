"""A campaign's end as participants see it: the winners (masked) on the result page and the
winner's form for where to send the prize."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import DomainError, Invalid, NotFound
from campaign.http.error_messages import message_for
from campaign.models import Campaign
from campaign.models.types import utcnow
from campaign.services import results
from campaign.services.campaigns import campaign_at, can_see
from campaign.web.access import signed_in
from campaign.web.result_forms import PrizeContactForm

bp = Blueprint("results", __name__)


@dataclass(frozen=True)
class PrizeDraw:
    winners: list[results.PublicWinner]
    shortfall: tuple[int, int] | None  # (asked, drawn) when there were fewer candidates
    i_won: bool
    contact_given: bool


@bp.app_template_global()
def prize_draw(campaign: Campaign) -> PrizeDraw | None:
    """What challenges/_winners.html shows: None when the campaign has no draw or no result."""
    if not campaign.draw_winners:
        return None
    session = get_session()
    winners = results.public_winners(session, campaign)
    if not winners and results.draw_shortfall(session, campaign) is None:
        return None
    i_won = given = False
    viewer = signed_in()
    if viewer is not None:
        try:
            settlement, _win = results.own_win(session, campaign, viewer)
        except NotFound:
            pass
        else:
            i_won = True
            given = results.contact_of(session, settlement, viewer) is not None
    return PrizeDraw(winners, results.draw_shortfall(session, campaign), i_won, given)


def _campaign(slug: str) -> Campaign:
    campaign = campaign_at(get_session(), slug)
    if campaign is None or not can_see(campaign, signed_in()):
        abort(404)
    return campaign


@bp.route("/c/<slug>/prize", methods=["GET", "POST"])
@login_required
def prize(slug: str) -> str | Response | tuple[str, int]:
    campaign = _campaign(slug)
    session = get_session()
    user = signed_in()
    assert user is not None
    try:
        settlement, win = results.own_win(session, campaign, user)
    except NotFound:
        abort(404)
    form = PrizeContactForm()
    contact = results.contact_of(session, settlement, user)
    if not form.is_submitted() and contact is not None:
        form = PrizeContactForm(obj=contact)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                results.save_contact(
                    session,
                    campaign,
                    user,
                    legal_name=form.legal_name.data,
                    phone=form.phone.data,
                    address=form.address.data,
                    consent=bool(form.consent.data),
                    now=utcnow(),
                )
            except DomainError as exc:
                discard_changes()  # nothing the refused request wrote stays
                field = getattr(form, exc.field, None) if isinstance(exc, Invalid) else None
                if field is None:
                    flash(message_for(exc), "error")
                else:
                    field.errors = [*field.errors, message_for(exc)]
            else:
                flash(_("Thank you! We will send your prize to these details."), "success")
                return redirect(url_for("results.prize", slug=slug))
    page = render_template(
        "challenges/prize.html", campaign=campaign, form=form, rank=win.rank, contact=contact
    )
    return page, status
