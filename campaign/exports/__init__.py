"""Settlement exports: CSV, XLSX and JSON writers over one plain document shape.

Pure functions: no Flask, no session. A service builds an ``ExportDocument`` from the frozen
settlement, picks a writer from ``FORMATS``, and records ``digest(data)``, ``row_count`` and
``total_won`` beside the export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from campaign.exports.csv_writer import write_csv, write_csv_to
from campaign.exports.headings import for_people
from campaign.exports.json_writer import write_json, write_json_to
from campaign.exports.sheets import (
    Column,
    ColumnKind,
    ExportDocument,
    Sheet,
    SummaryItem,
    neutralise,
    row_count,
    total_won,
)
from campaign.exports.xlsx_writer import write_xlsx, write_xlsx_to


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    media_type: str
    write: Callable[[ExportDocument], bytes]
    # The same bytes written to a file as the document is read; returns the data rows written.
    write_to: Callable[[ExportDocument, IO[bytes]], int]


FORMATS: dict[str, ExportFormat] = {
    # People open CSV and XLSX: Korean headings. Programs read JSON: the English keys.
    "csv": ExportFormat(
        "csv",
        "csv",
        "text/csv; charset=utf-8",
        lambda document: write_csv(for_people(document)),
        lambda document, out: write_csv_to(for_people(document), out),
    ),
    "xlsx": ExportFormat(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda document: write_xlsx(for_people(document)),
        lambda document, out: write_xlsx_to(for_people(document), out),
    ),
    "json": ExportFormat("json", "json", "application/json", write_json, write_json_to),
}


def digest(data: bytes) -> str:
    """SHA-256 of an export's bytes, in hex: what was sent, provably."""
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "FORMATS",
    "Column",
    "ColumnKind",
    "ExportDocument",
    "ExportFormat",
    "Sheet",
    "SummaryItem",
    "digest",
    "for_people",
    "neutralise",
    "row_count",
    "total_won",
    "write_csv",
    "write_csv_to",
    "write_json",
    "write_json_to",
    "write_xlsx",
    "write_xlsx_to",
]
