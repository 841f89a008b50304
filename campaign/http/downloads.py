"""Sending a settlement export as a file download (the admin page and the partner API)."""

from __future__ import annotations

from flask import Response

from campaign.services.exports import ExportFile


def attachment(exported: ExportFile) -> Response:
    """The export as an attachment, with its SHA-256 (as recorded) in ``X-Content-SHA256``,
    sent from its file a piece at a time (a million-line export never sits in memory whole)."""
    response = Response(
        exported.chunks(),
        content_type=exported.media_type,  # mimetype= would add a second "; charset=utf-8"
        direct_passthrough=True,
        headers={
            "Content-Length": str(exported.size),
            "Content-Disposition": f'attachment; filename="{exported.filename}"',
            "X-Content-SHA256": exported.record.sha256,
            # Settlement exports carry donors' names and contacts: no cache keeps a copy.
            "Cache-Control": "no-store",
        },
    )
    response.call_on_close(exported.file.close)
    return response
