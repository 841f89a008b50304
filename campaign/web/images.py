"""Images on the site: serving stored images, and the small upload forms (a campaign's cover
on its admin page, a partner's or a sponsor's logo on its page, a crew proposal's cover on its
page).

An image's address is its content's hash, so its answer may be kept by every cache for a year
(``immutable``): a new picture is a new address. Uploads answer like the other admin buttons:
the outcome is flashed on the page the form is on; a refusal stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from campaign.db import discard_changes, get_session
from campaign.errors import Invalid, NotFound
from campaign.http.error_messages import message_for
from campaign.models import Campaign, Sponsor, StoredImage
from campaign.models.types import utcnow
from campaign.rules.images import KEY_PATTERN, ImageLimits
from campaign.services import images as image_service
from campaign.services import partners as partner_service
from campaign.services import proposals
from campaign.services import sponsors as sponsor_service
from campaign.services.campaigns import campaign_at
from campaign.storage import ImageStore, StoredObjectMissing, store_from_settings
from campaign.web.access import admin_required, signed_in
from campaign.web.crew import ID, crew_only
from campaign.web.image_forms import ImageForm

bp = Blueprint("images", __name__)

EXTENSION = "campaign.storage"
FOREVER = 365 * 24 * 60 * 60
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024
UPLOAD_ENDPOINTS = frozenset(
    {
        "images.campaign_cover_upload",
        "images.partner_logo_upload",
        "images.sponsor_logo_upload",
        "images.proposal_cover_upload",
    }
)


def image_store() -> ImageStore:
    return current_app.extensions[EXTENSION]


def limits() -> ImageLimits:
    config = current_app.config
    return ImageLimits(
        max_bytes=config["IMAGE_MAX_BYTES"],
        max_pixels=config["IMAGE_MAX_PIXELS"],
        max_edge=config["IMAGE_MAX_EDGE"],
    )


def allow_image_uploads() -> None:
    """Upload forms may be larger than MAX_CONTENT_LENGTH (up to IMAGE_MAX_BYTES); runs before
    CSRFProtect reads the form, which is when the limit applies."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = max(
            current_app.config["MAX_CONTENT_LENGTH"] or 0,
            current_app.config["IMAGE_MAX_BYTES"] + FORM_OVERHEAD_BYTES,
        )


@bp.app_template_global()
def image_url(image: StoredImage, external: bool = False) -> str:
    return url_for("images.media", key=image.key, _external=external)


@bp.app_template_global()
def campaign_cover(campaign: Campaign) -> image_service.CampaignCover | None:
    return image_service.campaign_cover(get_session(), campaign.id)


@bp.app_template_global()
def partner_logo(partner_id: int) -> image_service.PartnerLogo | None:
    return image_service.partner_logo(get_session(), partner_id)


@bp.app_template_global()
def sponsor_logos(sponsors: Iterable[Sponsor | None]) -> dict[int, image_service.SponsorLogo]:
    """The uploaded logos of the sponsors a page shows, by sponsor id (one statement)."""
    # ``if s``: a statement's missing role arrives as Jinja's (falsy) Undefined, not None.
    return image_service.sponsor_logos(get_session(), [s.id for s in sponsors if s])


@bp.app_template_global()
def proposal_cover(proposal_id: int) -> image_service.ProposalCover | None:
    return image_service.proposal_cover(get_session(), proposal_id)


@bp.app_template_global()
def og_image(campaign: Campaign) -> str | None:
    """The absolute address of the campaign's cover for Open Graph / Twitter card tags."""
    cover = campaign_cover(campaign)
    return image_url(cover.image, external=True) if cover is not None else None


@bp.app_template_global()
def image_form() -> ImageForm:
    return ImageForm(formdata=None)


@bp.get("/media/<key>")
def media(key: str) -> Response:
    if not KEY_PATTERN.fullmatch(key):
        abort(404)
    try:
        data = image_store().get(key)
    except StoredObjectMissing:
        abort(404)
    response = Response(data, mimetype=CONTENT_TYPES[key.rsplit(".", 1)[1]])
    response.set_etag(key.split(".", 1)[0])
    response.headers["Cache-Control"] = f"public, max-age={FOREVER}, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response.make_conditional(request)


def _upload(form: ImageForm) -> tuple[bytes, str]:
    upload = form.image.data
    raw = upload.read(limits().max_bytes + 1) if upload is not None else b""
    return raw, form.alt.data or ""


def _outcome(done: str, back: str, error: Invalid | None) -> Response:
    if error is None:
        flash(done, "success")
    else:
        discard_changes()  # nothing of the refused upload stays
        flash(message_for(error), "error")
    return redirect(back)


def _save_admin_image(setter, owner: object, done: str, back: str) -> Response:
    """Store the uploaded image on ``owner`` with one of image_service's admin setters (they
    share one signature), then flash the outcome and go back."""
    raw, alt = _upload(ImageForm())
    error = None
    try:
        setter(get_session(), image_store(), limits(), owner, raw, alt, current_user, utcnow())
    except Invalid as exc:
        error = exc
    return _outcome(done, back, error)


@bp.post("/admin/campaigns/<slug>/cover")
@admin_required
def campaign_cover_upload(slug: str) -> Response:
    campaign = campaign_at(get_session(), slug)
    if campaign is None:
        abort(404)
    back = url_for("admin_campaigns.campaign", slug=slug, _anchor="cover")
    return _save_admin_image(
        image_service.set_campaign_cover, campaign, _("The cover image is saved."), back
    )


@bp.post("/admin/partners/<int:partner_id>/logo")
@admin_required
def partner_logo_upload(partner_id: int) -> Response:
    session = get_session()
    partner = partner_service.get_partner(session, partner_id)
    back = url_for("admin_partners.edit_partner", partner_id=partner_id, _anchor="logo")
    return _save_admin_image(image_service.set_partner_logo, partner, _("The logo is saved."), back)


@bp.post(f"/admin/sponsors/<{ID}:sponsor_id>/logo")
@admin_required
def sponsor_logo_upload(sponsor_id: int) -> Response:
    session = get_session()
    try:
        sponsor = sponsor_service.get_sponsor(session, sponsor_id)
    except NotFound:
        abort(404)
    back = url_for("admin_operations.edit_sponsor", sponsor_id=sponsor_id, _anchor="logo")
    return _save_admin_image(image_service.set_sponsor_logo, sponsor, _("The logo is saved."), back)


@bp.post(f"/crew/proposals/<{ID}:proposal_id>/cover")
@crew_only
def proposal_cover_upload(proposal_id: int) -> Response:
    session = get_session()
    author = signed_in()
    assert author is not None
    found = proposals.find_proposal(session, author, proposal_id)
    raw, alt = _upload(ImageForm())
    error = None
    try:
        image_service.set_proposal_cover(
            session, image_store(), limits(), author, found, raw, alt, utcnow()
        )
    except Invalid as exc:
        error = exc
    back = url_for("crew.proposal", proposal_id=proposal_id, _anchor="cover")
    return _outcome(_("The cover image is saved."), back, error)


def init_app(app: Flask) -> None:
    """Open the image store, and let upload forms through at their size (before CSRF)."""
    app.extensions[EXTENSION] = store_from_settings(app.config)
    app.before_request(allow_image_uploads)
