"""A crew fundraiser's giving panel: crew give (quick picks or an amount), see the company's
match, and may take a gift back while the campaign runs.

The challenge page (/c/<slug>) includes templates/fundraiser/_panel.html with the context of
``fundraiser_panel_context``; /c/<slug>/gifts shows the same panel on a page of its own.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import (
    CampaignClosed,
    CampaignNotOpen,
    IdempotencyKeyReused,
    Invalid,
)
from campaign.extensions import limiter
from campaign.http.error_messages import message_for
from campaign.http.receipt_keys import receipt_cipher
from campaign.i18n import format_won
from campaign.models import Campaign, CampaignKind, Pledge, User
from campaign.models.types import utcnow
from campaign.rules.matching import GIFT_MAX_WON, GIFT_MIN_WON, QUICK_PICKS_WON
from campaign.services import fundraising, receipts
from campaign.services.campaigns import find_campaign
from campaign.web.access import signed_in
from campaign.web.fundraiser_forms import GiftForm, ReceiptForm
from campaign.web.redirects import safe_next

bp = Blueprint("fundraiser", __name__)

GIFT_LIMIT = "30 per minute"
# What a giver can fix by trying again; anything else is an error page with its status.
RETRYABLE = (Invalid, CampaignClosed, CampaignNotOpen, IdempotencyKeyReused)
# The receipt form's length limits (ReceiptForm), to name the field that broke one.
RECEIPT_LIMITS = {"legal_name": 60, "phone": 40, "id_number": 20, "address": 200}


def _giver_key() -> str:
    """Rate limits count per person, not per address (an office shares one address)."""
    return f"user:{current_user.id}"


def fundraiser_panel_context(
    session: Session, campaign: Campaign, user: User | None, now: datetime
) -> dict[str, Any]:
    """The variables templates/fundraiser/_panel.html reads, or {} for a campaign that is not a
    fundraiser. ``user`` is the viewer (None or an anonymous user for a visitor)."""
    if campaign.kind != CampaignKind.FUNDRAISER:
        return {}
    viewer = user if user is not None and user.is_authenticated else None
    form = GiftForm(formdata=None)
    form.idempotency_key.data = uuid.uuid4().hex  # a double-click sends it twice: one gift
    receipt = receipts.find_request(session, campaign, viewer) if viewer else None
    return {
        "receipts_offered": receipts.issues_receipts(campaign),
        "receipt": receipt,
        "receipt_form": ReceiptForm(formdata=None),
        "fundraiser": fundraising.overview(session, campaign, viewer, now),
        "fundraiser_campaign": campaign,
        "gift_form": form,
        "gift_quick_picks": QUICK_PICKS_WON,
        "gift_min": GIFT_MIN_WON,
        "gift_max": GIFT_MAX_WON,
        "can_give": viewer is not None and viewer.is_crew,
    }


def _fundraiser(session: Session, slug: str) -> Campaign:
    campaign = find_campaign(session, slug, signed_in())
    if campaign.kind != CampaignKind.FUNDRAISER:
        abort(404)
    return campaign


def _back(campaign: Campaign) -> str:
    return safe_next(request.form.get("next"), url_for("fundraiser.gifts_page", slug=campaign.slug))


@bp.route("/c/<slug>/gifts")
def gifts_page(slug: str) -> str:
    session = get_session()
    campaign = _fundraiser(session, slug)
    return render_template(
        "fundraiser/page.html",
        campaign=campaign,
        **fundraiser_panel_context(session, campaign, signed_in(), utcnow()),
    )


@bp.route("/c/<slug>/gifts", methods=["POST"])
@login_required
@limiter.limit(GIFT_LIMIT, key_func=_giver_key)
def give(slug: str) -> Response:
    session = get_session()
    campaign = _fundraiser(session, slug)
    form = GiftForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(_back(campaign))
    amount = form.chosen_amount()
    if amount is None:
        flash(_("Choose an amount or type one."), "error")
        return redirect(_back(campaign))
    if form.quick.data is not None and request.form.get("confirmed") != "1":
        # One tap on a quick pick is real money: ask once more before giving.
        return render_template(
            "fundraiser/confirm_gift.html",
            campaign=campaign,
            form=form,
            amount=amount,
            back=_back(campaign),
        )
    try:
        result = fundraising.pledge_gift(
            session,
            signed_in(),
            campaign,
            amount,
            bool(form.anonymous.data),
            form.message.data,
            form.idempotency_key.data or None,
            utcnow(),
        )
    except RETRYABLE as exc:
        discard_changes()
        flash(message_for(exc), "error")
        return redirect(_back(campaign))
    gave = format_won(result.gift.amount_won)
    if result.matched and not result.budget_short:
        flash(
            _(
                "Thank you! You gave %(gave)s and the company added %(matched)s.",
                gave=gave,
                matched=format_won(result.matched),
            ),
            "success",
        )
    elif result.budget_short:
        flash(
            _(
                "Thank you! You gave %(gave)s. The company's match budget is used up, so it "
                "added %(matched)s.",
                gave=gave,
                matched=format_won(result.matched),
            ),
            "success",
        )
    else:
        flash(_("Thank you! You gave %(gave)s.", gave=gave), "success")
    return redirect(_back(campaign))


@bp.route("/c/<slug>/receipt", methods=["POST"])
@login_required
def ask_for_receipt(slug: str) -> Response:
    """Ask for a donation receipt (or change the request); withdraw=1 takes it back."""
    session = get_session()
    campaign = _fundraiser(session, slug)
    if request.form.get("withdraw"):
        try:
            withdrawn = receipts.withdraw_receipt(session, signed_in(), campaign)
        except Invalid as exc:
            flash(message_for(exc), "error")
            return redirect(_back(campaign))
        if withdrawn:
            flash(
                _("Your receipt request is withdrawn; the charity will not get your details."),
                "success",
            )
        return redirect(_back(campaign))
    form = ReceiptForm()
    try:
        if not form.validate_on_submit():
            field = next((f for f in form.errors if f in RECEIPT_LIMITS), "legal_name")
            raise Invalid(field, "too_long", max=RECEIPT_LIMITS[field])
        receipts.request_receipt(
            session,
            signed_in(),
            campaign,
            legal_name=form.legal_name.data or "",
            share_email=bool(form.share_email.data),
            phone=form.phone.data,
            now=utcnow(),
            donor_kind=form.donor_kind.data or "person",
            id_number=form.id_number.data,
            share_id_number=bool(form.share_id_number.data),
            address=form.address.data,
            share_address=bool(form.share_address.data),
            cipher=receipt_cipher(),
        )
    except Invalid as exc:
        discard_changes()
        flash(message_for(exc), "error")
        return redirect(_back(campaign))
    flash(_("Your receipt request is saved. The charity gets it with the settlement."), "success")
    return redirect(_back(campaign))


@bp.route("/c/<slug>/gifts/<int(max=9223372036854775807):pledge_id>/cancel", methods=["POST"])
@login_required
def cancel(slug: str, pledge_id: int) -> Response:
    session = get_session()
    campaign = _fundraiser(session, slug)
    gift = session.get(Pledge, pledge_id)
    if gift is None or gift.campaign_id != campaign.id:
        abort(404)
    try:
        cancelled = fundraising.cancel_gift(session, signed_in(), pledge_id, utcnow())
    except (CampaignClosed, CampaignNotOpen) as exc:
        discard_changes()
        flash(message_for(exc), "error")
        return redirect(_back(campaign))
    if cancelled.already:
        flash(_("That gift was already cancelled."), "info")
    else:
        flash(
            _(
                "Your gift of %(amount)s is cancelled.",
                amount=format_won(cancelled.gift.amount_won),
            ),
            "success",
        )
    return redirect(_back(campaign))
