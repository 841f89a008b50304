"""Account control (개인정보보호법): change the address, download my data, delete my account.

The account page (templates/auth/account.html) links here. Each step that changes the account
asks for the password again; deleting has a page of its own with a box to tick (no script).
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from campaign.db import after_commit, discard_changes, get_session
from campaign.errors import EmailChangeLinkInvalid, Invalid
from campaign.extensions import limiter
from campaign.http.account_mail import send_email_change, send_email_changed
from campaign.http.error_messages import message_for
from campaign.models.types import utcnow
from campaign.services import account_deletion, email_change
from campaign.services.my_data import my_data
from campaign.web.access import signed_in
from campaign.web.account_control_forms import ChangeEmailForm, DeleteAccountForm
from campaign.web.challenges import person_key

bp = Blueprint("account_control", __name__)

ACCOUNT_LIMIT = "10 per minute"


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(ACCOUNT_LIMIT, key_func=person_key, methods=["POST"])
def change_email() -> str | Response:
    """Ask to move the account to a new address. The same answer whether or not the address
    belongs to another account; only a free address gets the link, sent after the commit."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            asked = email_change.request_change(
                get_session(),
                signed_in(),
                password=form.password.data or "",
                new_email=form.new_email.data or "",
            )
        except Invalid as exc:
            discard_changes()
            field = form.password if exc.field == "password" else form.new_email
            field.errors.append(message_for(exc))
        else:
            if asked.available:
                user, new_email = asked.user, asked.new_email
                after_commit(lambda: send_email_change(user, new_email))
            return render_template("auth/email_change_sent.html", email=asked.new_email)
    return render_template("auth/change_email.html", form=form)


@bp.route("/account/email/<token>", methods=["GET"])
def confirm_email(token: str) -> Response | tuple[str, int]:
    """The link mailed to the new address: opening it proves that mailbox (nothing else can
    produce the signed link), so a GET does it; it works once."""
    session = get_session()
    try:
        changed = email_change.confirm_change(
            session,
            current_app.config["SECRET_KEY"],
            token[:1000],
            crew_domains=current_app.config["CREW_EMAIL_DOMAINS"],
            now=utcnow(),
        )
    except EmailChangeLinkInvalid as exc:
        return render_template("auth/email_change_failed.html", message=message_for(exc)), 400
    user, old_email = changed.user, changed.old_email
    after_commit(lambda: send_email_changed(user, old_email))
    flash(_("Your account now uses %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.route("/account/data", methods=["GET"])
@login_required
@limiter.limit(ACCOUNT_LIMIT, key_func=person_key)
def download_data() -> Response:
    """Everything the product holds about the signed-in person, as a JSON file."""
    document = my_data(get_session(), signed_in(), utcnow())
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(
        body.encode(),
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="aesseuji-my-data.json"',
            "Cache-Control": "no-store",  # personal data: no cache keeps a copy
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(ACCOUNT_LIMIT, key_func=person_key, methods=["POST"])
def delete_account() -> str | Response:
    """The confirmation page (GET) and the deletion (POST, with the password and the box)."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            account_deletion.delete_account(
                get_session(),
                signed_in(),
                password=form.password.data or "",
                confirmed=bool(form.confirm.data),
                now=utcnow(),
            )
        except Invalid as exc:
            discard_changes()
            field = form.password if exc.field == "password" else form.confirm
            field.errors.append(message_for(exc))
        else:
            logout_user()
            flash(_("Your account is deleted. Thank you for taking part."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/delete_account.html", form=form)
