"""close-due, settle and export from the command line: the same services as the admin page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from campaign.db import database
from campaign.models import Campaign, CampaignStatus, ExportRecord
from campaign.models.types import utcnow
from tests.factories import DAY, make_campaign


def test_close_due_settle_and_export(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    now = utcnow()
    with database(app).transaction() as session:
        due = make_campaign(session, starts_at=now - 3 * DAY, ends_at=now - DAY)
        slug, partner_id = due.slug, due.beneficiaries[0].partner_id
    assert runner.invoke(args=["settle", slug]).exit_code != 0  # not closed yet

    result = runner.invoke(args=["close-due"])
    assert result.exit_code == 0 and slug in result.output
    assert "nothing to close" in runner.invoke(args=["close-due"]).output

    out = tmp_path / "whole.csv"
    result = runner.invoke(args=["export", slug, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert ["주소", slug] in rows  # Korean headings for people
    part = tmp_path / "part.xlsx"
    result = runner.invoke(
        args=["export", slug, "--partner", str(partner_id), "--format", "xlsx", "--out", str(part)]
    )
    assert result.exit_code == 0 and part.read_bytes()[:2] == b"PK"
    assert (
        runner.invoke(
            args=["export", slug, "--partner", "999999", "--out", str(tmp_path / "x")]
        ).exit_code
        != 0
    )
    assert runner.invoke(args=["export", "nope", "--out", str(tmp_path / "x")]).exit_code != 0
    with database(app).transaction() as session:
        assert len(session.scalars(select(ExportRecord)).all()) == 2

    result = runner.invoke(args=["settle", slug, "--sent"])
    assert result.exit_code == 0, result.output
    with database(app).transaction() as session:
        assert session.scalar(select(Campaign.status).where(Campaign.slug == slug)) == (
            CampaignStatus.SETTLED
        )
