"""Translations with a neutral particle marker read naturally once the word is known."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import gettext


def test_python_gettext_resolves_the_marker(app: Flask) -> None:
    with app.test_request_context("/", headers={"Cookie": "lang=ko"}):
        assert gettext("We sent a new link to %(email)s.", email="a@b.com").startswith(
            "a@b.com으로"
        )
        assert gettext("We sent a new link to %(email)s.", email="a@b.kr").startswith("a@b.kr로")
        assert "(으)로" not in gettext("We sent a new link to %(email)s.", email="x@y.com")


def test_templates_resolve_the_marker_and_still_escape(app: Flask) -> None:
    with app.test_request_context("/", headers={"Cookie": "lang=ko"}):
        page = render_template_string(
            "{{ _('We sent a new link to %(email)s.', email=who) }}", who='<b>"서울"'
        )
        assert page.startswith("&lt;b&gt;&#34;서울&#34;로")


def test_particle_filter(app: Flask) -> None:
    with app.test_request_context("/"):
        assert render_template_string("{{ '냥냥이'|particle('이') }}") == "냥냥이가"
        assert render_template_string("{{ '댕댕팀'|particle('이') }}") == "댕댕팀이"
