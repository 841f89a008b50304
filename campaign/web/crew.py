"""The crew area: proposals drafted, endorsed and discussed by employees.

Only crew ever learn that any of this exists: a visitor is asked to log in (whatever the
address), anyone signed in who is not crew gets 404 on every page, and a draft is 404 to
everyone but its author.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import Field

from campaign.db import discard_changes, get_session
from campaign.errors import Invalid
from campaign.http.error_messages import message_for
from campaign.models.types import utcnow
from campaign.rules import proposals as proposal_rules
from campaign.rules.proposals import ProposalAction
from campaign.services import moderation, proposal_views, proposals
from campaign.web.access import signed_in
from campaign.web.proposal_forms import (
    EVIDENCE_LABELS,
    KIND_LABELS,
    CommentForm,
    ProposalForm,
)

bp = Blueprint("crew", __name__, url_prefix="/crew")

# Ids in addresses stop at BIGINT; a longer number is simply not found (never a database error).
ID = "int(max=9223372036854775807)"

F = TypeVar("F", bound=Callable[..., Any])


def crew_only(view: F) -> F:
    """Log in first; then 404 for anyone who is not crew, so nothing here can be discovered."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_crew:
            abort(404)
        return view(*args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


SECTIONS = ("beneficiaries", "action_types", "teams", "milestones")


def show_error(form: ProposalForm, exc: Invalid) -> None:
    """Put a rule's complaint beside the field it is about, or above its section or the form."""
    message = message_for(exc)
    target = getattr(form, exc.field, None)
    if exc.field in SECTIONS:
        form.problems[exc.field] = message
    elif isinstance(target, Field):
        target.errors = [*target.errors, message]
    else:
        form.problems["form"] = message


def form_context(form: ProposalForm) -> dict[str, Any]:
    return {"form": form, "kind_labels": KIND_LABELS, "evidence_labels": EVIDENCE_LABELS}


@bp.route("/")
@crew_only
def index() -> str:
    overview = proposal_views.crew_overview(get_session(), signed_in())
    return render_template("crew/index.html", overview=overview, kind_labels=KIND_LABELS)


@bp.route("/proposals/new", methods=["GET", "POST"])
@crew_only
def new_proposal() -> str | Response:
    session = get_session()
    form = ProposalForm(partners=proposal_views.partner_choices(session))
    if form.validate_on_submit():
        now = utcnow()
        try:
            proposal = proposals.create_draft(session, signed_in(), form.draft(), now)
            if _wants_submit():
                proposals.submit(session, signed_in(), proposal.id, now)
        except Invalid as exc:
            discard_changes()
            show_error(form, exc)
        else:
            flash(_submitted_or_saved(proposal.status.value), "success")
            return redirect(url_for("crew.proposal", proposal_id=proposal.id))
    return render_template("crew/proposal_form.html", proposal=None, **form_context(form))


def _wants_submit() -> bool:
    """The form has two buttons: save the draft, or save it and send it for review."""
    return request.form.get("intent") == "submit"


def _submitted_or_saved(status: str) -> str:
    if status == "submitted":
        return _("Your proposal is saved and sent for review.")
    return _("Your draft is saved.")


@bp.route(f"/proposals/<{ID}:proposal_id>")
@crew_only
def proposal(proposal_id: int) -> str:
    session = get_session()
    found = proposals.find_proposal(session, signed_in(), proposal_id)
    page = proposal_views.proposal_page(session, signed_in(), found)
    return render_template(
        "crew/proposal.html",
        page=page,
        comment_form=CommentForm(),
        kind_labels=KIND_LABELS,
        evidence_labels=EVIDENCE_LABELS,
        actions=ProposalAction,
    )


@bp.route(f"/proposals/<{ID}:proposal_id>/edit", methods=["GET", "POST"])
@crew_only
def edit_proposal(proposal_id: int) -> str | Response:
    session = get_session()
    found = proposals.find_proposal(session, signed_in(), proposal_id)
    proposal_rules.check(ProposalAction.EDIT, found.status, proposals.held_by(signed_in(), found))
    partners = proposal_views.partner_choices(session)
    form = ProposalForm(partners=partners)
    if not form.is_submitted():
        form = ProposalForm.prefilled(proposals.draft_of(found), partners)
    elif form.validate():
        now = utcnow()
        try:
            proposals.update_draft(session, signed_in(), proposal_id, form.draft(), now)
            if _wants_submit():
                proposals.submit(session, signed_in(), proposal_id, now)
        except Invalid as exc:
            discard_changes()
            show_error(form, exc)
        else:
            flash(_submitted_or_saved(found.status.value), "success")
            return redirect(url_for("crew.proposal", proposal_id=proposal_id))
    return render_template("crew/proposal_form.html", proposal=found, **form_context(form))


def _step(proposal_id: int, take: Callable[..., Any], done: str) -> Response:
    """A button on the proposal page: take the step, commit, go back to the page. A rule's
    refusal is an error page with its status (403, 404, 409); invalid input is flashed.
    (CSRFProtect has checked the form's token before this runs.)"""
    session = get_session()
    try:
        take(session, signed_in(), proposal_id, utcnow())
    except Invalid as exc:
        discard_changes()
        flash(message_for(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for("crew.proposal", proposal_id=proposal_id))


@bp.route(f"/proposals/<{ID}:proposal_id>/submit", methods=["POST"])
@crew_only
def submit(proposal_id: int) -> Response:
    session = get_session()
    try:
        proposals.submit(session, signed_in(), proposal_id, utcnow())
    except Invalid as exc:
        discard_changes()
        flash(message_for(exc), "error")
        flash(_("Complete the proposal, then send it again."), "info")
        return redirect(url_for("crew.edit_proposal", proposal_id=proposal_id))
    flash(_("Your proposal is sent for review."), "success")
    return redirect(url_for("crew.proposal", proposal_id=proposal_id))


@bp.route(f"/proposals/<{ID}:proposal_id>/withdraw", methods=["POST"])
@crew_only
def withdraw(proposal_id: int) -> Response:
    return _step(proposal_id, proposals.withdraw, _("You withdrew the proposal."))


@bp.route(f"/proposals/<{ID}:proposal_id>/endorse", methods=["POST"])
@crew_only
def endorse(proposal_id: int) -> Response:
    return _step(proposal_id, proposals.endorse, _("You endorsed this proposal."))


@bp.route(f"/proposals/<{ID}:proposal_id>/comments", methods=["POST"])
@crew_only
def comment(proposal_id: int) -> str | Response:
    session = get_session()
    found = proposals.find_proposal(session, signed_in(), proposal_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            proposals.add_comment(session, signed_in(), proposal_id, form.body.data or "", utcnow())
        except Invalid as exc:
            discard_changes()
            form.body.errors = [*form.body.errors, message_for(exc)]
        else:
            flash(_("Your comment is posted."), "success")
            return redirect(url_for("crew.proposal", proposal_id=proposal_id) + "#discussion")
    else:
        proposal_rules.check(
            ProposalAction.COMMENT, found.status, proposals.held_by(signed_in(), found)
        )
    page = proposal_views.proposal_page(session, signed_in(), found)
    return render_template(
        "crew/proposal.html",
        page=page,
        comment_form=form,
        kind_labels=KIND_LABELS,
        evidence_labels=EVIDENCE_LABELS,
        actions=ProposalAction,
    )


@bp.route(f"/proposals/<{ID}:proposal_id>/comments/<{ID}:comment_id>/report", methods=["POST"])
@crew_only
def report_comment(proposal_id: int, comment_id: int) -> Response:
    """A crew member who can see the proposal reports a comment on it, once."""
    session = get_session()
    found = proposals.find_proposal(session, signed_in(), proposal_id)
    try:
        first = moderation.report_comment(session, signed_in(), found, comment_id, utcnow())
    except Invalid as exc:
        discard_changes()
        flash(message_for(exc), "error")
    else:
        if first:
            flash(_("Thank you. An admin will look at this comment."), "success")
        else:
            flash(_("You have already reported this comment."), "info")
    return redirect(url_for("crew.proposal", proposal_id=proposal_id) + "#discussion")
