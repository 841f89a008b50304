"""Sending a settlement export as a file download (the admin page and the partner API)."""

from __future__ import annotations

from flask import Response

from campaign.services.exports import ExportFile


def attachment(exported: ExportFile) -> Response:
    """The export as an attachment, with its SHA-256 (as recorded) in ``X-Content-SHA256``."""
    return Response(
        exported.data,
        content_type=exported.media_type,  # mimetype= would add a second "; charset=utf-8"
        headers={
            "Content-Disposition": f'attachment; filename="{exported.filename}"',
            "X-Content-SHA256": exported.record.sha256,
            # Settlement exports carry donors' names and contacts: no cache keeps a copy.
            "Cache-Control": "no-store",
        },
    )
