"""Admins review crew proposals (approve, send back, reject) and correct approved campaigns
before they start. Every decision and edit is recorded with who, when and why."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import Invalid
from campaign.http.error_messages import message_for
from campaign.models import Campaign, CampaignStatus
from campaign.models.types import utcnow
from campaign.rules import proposals as proposal_rules
from campaign.rules.proposals import ProposalAction
from campaign.services import proposal_views, proposals, scheduled_edits
from campaign.services.paging import clean_query, page_number
from campaign.web.access import admin_required, signed_in
from campaign.web.admin.review_forms import ApproveForm, ReasonForm, ScheduledForm
from campaign.web.crew import ID, form_context, show_error
from campaign.web.proposal_forms import EVIDENCE_LABELS, KIND_LABELS

bp = Blueprint("admin_review", __name__, url_prefix="/admin")


def pending_badge(user: Any) -> int | None:
    """How many proposals wait for review (the navigation's badge), or None."""
    try:
        return proposal_views.pending_review_count(get_session()) or None
    except SQLAlchemyError:
        return None


@bp.route("/proposals")
@admin_required
def queue() -> str:
    session = get_session()
    now = utcnow()
    scheduled = [
        campaign
        for campaign in session.scalars(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.SCHEDULED)
            .order_by(Campaign.starts_at, Campaign.id)
        )
        if scheduled_edits.is_editable(campaign, now)
    ]
    query = clean_query(request.args.get("q"))
    page = proposal_views.review_queue_page(session, query, page_number(request.args.get("page")))
    return render_template(
        "admin/review_queue.html",
        entries=page.items,
        page=page,
        query=query,
        scheduled=scheduled,
        kind_labels=KIND_LABELS,
    )


def _review_page(proposal_id: int, **forms: Any) -> str:
    session = get_session()
    found = proposals.find_proposal(session, signed_in(), proposal_id)
    return render_template(
        "admin/review_proposal.html",
        page=proposal_views.proposal_page(session, signed_in(), found),
        return_form=forms.get("return_form") or ReasonForm(formdata=None, prefix="return"),
        reject_form=forms.get("reject_form") or ReasonForm(formdata=None, prefix="reject"),
        kind_labels=KIND_LABELS,
        evidence_labels=EVIDENCE_LABELS,
        actions=ProposalAction,
    )


@bp.route(f"/proposals/<{ID}:proposal_id>")
@admin_required
def proposal(proposal_id: int) -> str:
    return _review_page(proposal_id)


@bp.route(f"/proposals/<{ID}:proposal_id>/approve", methods=["GET", "POST"])
@admin_required
def approve(proposal_id: int) -> str | Response:
    session = get_session()
    found = proposals.find_proposal(session, signed_in(), proposal_id)
    proposal_rules.check(
        ProposalAction.APPROVE, found.status, proposals.held_by(signed_in(), found)
    )
    partners = proposal_views.partner_choices(session)
    form = ApproveForm(partners=partners)
    if not form.is_submitted():
        form = ApproveForm.prefilled(proposals.draft_of(found), partners)
        form.slug.data = f"proposal-{found.id}"
    elif form.validate():
        try:
            campaign = proposals.approve(
                session,
                signed_in(),
                proposal_id,
                utcnow(),
                slug=form.slug.data or "",
                edits=form.draft(),
                note=form.note.data,
            )
        except Invalid as exc:
            discard_changes()
            show_error(form, exc)
        else:
            flash(
                _("Approved. “%(title)s” is scheduled at /c/%(slug)s.", **_names(campaign)),
                "success",
            )
            return redirect(url_for("admin_review.proposal", proposal_id=proposal_id))
    return render_template("admin/review_approve.html", proposal=found, **form_context(form))


def _names(campaign: Campaign) -> dict[str, str]:
    return {"title": campaign.title, "slug": campaign.slug}


def _decide(proposal_id: int, prefix: str, done: str) -> str | Response:
    session = get_session()
    found = proposals.find_proposal(session, signed_in(), proposal_id)
    action = ProposalAction.RETURN if prefix == "return" else ProposalAction.REJECT
    proposal_rules.check(action, found.status, proposals.held_by(signed_in(), found))
    form = ReasonForm(prefix=prefix)
    if form.validate_on_submit():
        take = proposals.send_back if action == ProposalAction.RETURN else proposals.reject
        try:
            take(session, signed_in(), proposal_id, form.reason.data or "", utcnow())
        except Invalid as exc:
            discard_changes()
            form.reason.errors = [*form.reason.errors, message_for(exc)]
        else:
            flash(done, "success")
            return redirect(url_for("admin_review.queue"))
    return _review_page(proposal_id, **{f"{prefix}_form": form})


@bp.route(f"/proposals/<{ID}:proposal_id>/return", methods=["POST"])
@admin_required
def send_back(proposal_id: int) -> str | Response:
    return _decide(proposal_id, "return", _("Sent back to the author with your comment."))


@bp.route(f"/proposals/<{ID}:proposal_id>/reject", methods=["POST"])
@admin_required
def reject(proposal_id: int) -> str | Response:
    return _decide(proposal_id, "reject", _("The proposal is rejected."))


@bp.route("/scheduled/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_scheduled(slug: str) -> str | Response:
    session = get_session()
    campaign = scheduled_edits.find_scheduled(session, slug)
    now = utcnow()
    if not scheduled_edits.is_editable(campaign, now):
        flash(_("This campaign has started; its rules are frozen."), "error")
        return redirect(url_for("admin_review.queue"))
    form = ScheduledForm()
    if not form.is_submitted():
        form = ScheduledForm(formdata=None, obj=scheduled_edits.details_of(campaign))
    elif form.validate():
        try:
            changed = scheduled_edits.edit_scheduled_campaign(
                session, signed_in(), campaign, form.details(), form.reason.data, now
            )
        except Invalid as exc:
            discard_changes()
            target = getattr(form, exc.field, None)
            if target is None:
                flash(message_for(exc), "error")
            else:
                target.errors = [*target.errors, message_for(exc)]
        else:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin_review.edit_scheduled", slug=campaign.slug))
    return render_template("admin/review_scheduled.html", campaign=campaign, form=form)
