"""The image upload form: a file and the words that describe it (shape only; what an image must
be is decided in rules/images.py, so a missing file or alt text is the service's refusal)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField

from campaign.rules.images import ALT_MAX


class ImageForm(FlaskForm):
    image = FileField(_l("Image file (JPEG, PNG, WebP or GIF)"))
    alt = StringField(
        _l("Describe the image for people who cannot see it"),
        render_kw={"maxlength": ALT_MAX, "required": True},
    )
