"""Sign up, log in, log out, the account page (password, API tokens)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from campaign.db import after_commit, discard_changes, get_session, keep_on_error
from campaign.errors import (
    BadCredentials,
    Invalid,
    LoginLocked,
    PasswordResetLinkInvalid,
    VerificationLinkInvalid,
)
from campaign.extensions import limiter
from campaign.http.account_mail import (
    send_password_reset,
    send_sign_up_attempt,
    send_verification,
)
from campaign.http.error_messages import message_for
from campaign.models.types import utcnow
from campaign.services import accounts, password_reset, verification
from campaign.web.auth_forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LogInForm,
    NewTokenForm,
    ResendVerificationForm,
    ResetPasswordForm,
    SignUpForm,
)
from campaign.web.challenges import person_key
from campaign.web.redirects import safe_next

bp = Blueprint("auth", __name__)

AUTH_LIMIT = "10 per minute"


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def signup() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignUpForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    valid = form.validate_on_submit()
    if form.is_submitted():
        # Every field's problem at once, not one per try.
        for problem in accounts.sign_up_problems(
            email=form.email.data or "",
            password=form.password.data or "",
            display_name=form.display_name.data or "",
        ):
            errors = getattr(form, problem.field).errors
            if not errors:
                errors.append(message_for(problem))
                valid = False
    if valid:
        session = get_session()
        try:
            signed_up = accounts.sign_up(
                session,
                email=form.email.data or "",
                password=form.password.data or "",
                display_name=form.display_name.data or "",
                now=utcnow(),
            )
        except Invalid as exc:
            discard_changes()  # nothing the refused request wrote stays
            getattr(form, exc.field).errors.append(message_for(exc))
        else:
            # The same page whether the address was new or not; only its owner learns which.
            send = send_verification if signed_up.created else send_sign_up_attempt
            after_commit(lambda: send(signed_up.user))
            return render_template(
                "auth/check_mail.html",
                email=signed_up.user.email,
                next=safe_next(form.next.data, ""),
            )
    return render_template("auth/signup.html", form=form)


@bp.route("/verify/<token>", methods=["GET"])
def verify_email(token: str) -> str | Response | tuple[str, int]:
    """The link of the verification mail. Opening it proves the mailbox (nothing else can
    produce the signed link), so a GET does it; it works once."""
    session = get_session()
    try:
        user = verification.verify_email(
            session,
            current_app.config["SECRET_KEY"],
            token[:500],
            crew_domains=current_app.config["CREW_EMAIL_DOMAINS"],
            now=utcnow(),
        )
    except VerificationLinkInvalid as exc:
        return render_template("auth/verify_failed.html", message=message_for(exc)), 400
    flash(
        _("Your email address is confirmed. Thank you, %(name)s!", name=user.display_name),
        "success",
    )
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.route("/account/verification", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["RESEND_VERIFICATION_LIMIT"], key_func=person_key)
def resend_verification() -> Response:
    # CSRFProtect has checked the token.
    if current_user.is_verified:
        flash(_("Your email address is already confirmed."), "info")
    elif send_verification(current_user):
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "success")
    else:
        flash(_("The mail could not be sent right now. Try again later."), "error")
    return redirect(url_for("auth.account"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login() -> str | Response | tuple[str, int]:
    form = LogInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        session = get_session()
        try:
            user = accounts.authenticate(
                session, form.email.data or "", form.password.data or "", utcnow()
            )
        except BadCredentials as exc:
            keep_on_error()  # the failure counts toward the address's lock
            form.password.errors.append(message_for(exc))
        except LoginLocked as exc:
            form.password.errors.append(message_for(exc))
            return render_template("auth/login.html", form=form), 429
        else:
            accounts.start_login_session(session, user, utcnow())
            login_user(user, remember=bool(form.remember.data))
            return redirect(safe_next(form.next.data, url_for("main.home")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    # CSRFProtect has checked the token before this runs.
    if current_user.is_authenticated:
        session = get_session()
        accounts.end_login_session(session, current_user.login_token)
        logout_user()
    return redirect(url_for("main.home"))


@bp.route("/account", methods=["GET"])
@login_required
def account() -> str:
    return _account_page()


def _account_page(
    password_form: ChangePasswordForm | None = None, new_token: str | None = None
) -> str:
    tokens = accounts.list_api_tokens(get_session(), current_user)
    return render_template(
        "auth/account.html",
        password_form=password_form or ChangePasswordForm(),
        token_form=NewTokenForm(),
        tokens=tokens,
        new_token=new_token,
        resend_form=ResendVerificationForm(),
        # API tokens are for developers: shown to those who have one or asked for the section.
        developer=bool(tokens) or new_token is not None or request.args.get("developer") == "1",
    )


@bp.route("/account/password", methods=["POST"])
@login_required
@limiter.limit(AUTH_LIMIT)
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            accounts.change_password(
                session,
                current_user,
                current=form.current_password.data or "",
                new=form.new_password.data or "",
                now=utcnow(),
            )
        except Invalid as exc:
            discard_changes()  # nothing the refused request wrote stays
            field = form.current_password if exc.field == "current_password" else form.new_password
            field.errors.append(message_for(exc))
        else:
            user = current_user._get_current_object()
            logout_user()
            login_user(user)
            flash(
                _(
                    "Your password is changed. Other devices have been logged out and your "
                    "API tokens revoked."
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form)


@bp.route("/account/tokens", methods=["POST"])
@login_required
def new_token() -> str | Response:
    form = NewTokenForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.account"))
    session = get_session()
    issued = accounts.issue_api_token(session, current_user, form.name.data or "", utcnow())
    return _account_page(new_token=issued.secret)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    session = get_session()
    accounts.revoke_api_token(session, current_user, token_id, utcnow())
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["RESET_REQUEST_LIMIT"], key_func=person_key, methods=["POST"]
)
def forgot_password() -> str:
    """Ask for a reset link. The answer is the same whether the address has an account or not;
    only an active account's owner gets a mail, sent after the commit."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = password_reset.account_to_mail(get_session(), form.email.data or "")
        if user is not None:
            after_commit(lambda: send_password_reset(user))
        return render_template("auth/forgot_password.html", form=form, sent=True)
    return render_template("auth/forgot_password.html", form=form, sent=False)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    """The link of the reset mail: a form for the new password, which then ends every log-in
    session and API token of the account."""
    session = get_session()
    secret_key = current_app.config["SECRET_KEY"]
    token = token[:500]
    try:
        password_reset.user_for_token(session, secret_key, token, utcnow())
    except PasswordResetLinkInvalid as exc:
        return render_template("auth/reset_failed.html", message=message_for(exc)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_password(
                session,
                secret_key,
                token,
                form.new_password.data or "",
                crew_domains=current_app.config["CREW_EMAIL_DOMAINS"],
                now=utcnow(),
            )
        except Invalid as exc:
            discard_changes()  # nothing the refused request wrote stays
            form.new_password.errors.append(message_for(exc))
        else:
            if current_user.is_authenticated:
                logout_user()  # its log-in session has just ended with the others
            flash(
                _(
                    "Your password is changed. Every device has been logged out and your API "
                    "tokens revoked. Log in with the new password."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
