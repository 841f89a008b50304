"""The mails about an account, written in the reader's language. Call after the commit."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from campaign import mail
from campaign.models import User
from campaign.services import email_change, password_reset
from campaign.services.verification import LINK_MAX_AGE, verification_token


def send_verification(user: User) -> bool:
    """The link that proves ``user`` owns their address."""
    token = verification_token(current_app.config["SECRET_KEY"], user)
    link = url_for("auth.verify_email", token=token, _external=True)
    body = render_template(
        "mail/verify_email.html",
        user=user,
        link=link,
        hours=int(LINK_MAX_AGE.total_seconds() // 3600),
    )
    return _send(user, _("Confirm your email address for aesseuji"), body)


def send_sign_up_attempt(user: User) -> bool:
    """Someone tried to sign up with the address ``user`` already has: tell its owner, who is
    the only one who may learn that the account exists."""
    body = render_template(
        "mail/sign_up_attempt.html",
        user=user,
        login=url_for("auth.login", _external=True),
        forgot=url_for("auth.forgot_password", _external=True),
    )
    return _send(user, _("Someone tried to sign up with your address"), body)


def send_password_reset(user: User) -> bool:
    """The link that lets ``user`` choose a new password."""
    token = password_reset.reset_token(current_app.config["SECRET_KEY"], user)
    link = url_for("auth.reset_password", token=token, _external=True)
    body = render_template(
        "mail/password_reset.html",
        user=user,
        link=link,
        minutes=int(password_reset.LINK_MAX_AGE.total_seconds() // 60),
    )
    return _send(user, _("Choose a new password for aesseuji"), body)


def _send(user: User, subject: str, body: str) -> bool:
    config = current_app.config
    return mail.send(config, mail.compose(config, to=user.email, subject=subject, body=body))


def send_email_change(user: User, new_email: str) -> bool:
    """The link, mailed to ``new_email``, that moves ``user``'s account to it."""
    token = email_change.change_token(current_app.config["SECRET_KEY"], user, new_email)
    link = url_for("account_control.confirm_email", token=token, _external=True)
    body = render_template(
        "mail/email_change.html",
        user=user,
        link=link,
        hours=int(email_change.LINK_MAX_AGE.total_seconds() // 3600),
    )
    config = current_app.config
    subject = _("Confirm your new email address for aesseuji")
    return mail.send(config, mail.compose(config, to=new_email, subject=subject, body=body))


def send_email_changed(user: User, old_email: str) -> bool:
    """Tell the old address that the account now uses another one."""
    body = render_template("mail/email_changed.html", user=user)
    config = current_app.config
    subject = _("Your aesseuji account has a new email address")
    return mail.send(config, mail.compose(config, to=old_email, subject=subject, body=body))
