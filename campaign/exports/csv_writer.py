"""CSV for Korean Excel: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting, formula-safe.

Layout: the summary block (its title, then one "label,value" row per item), then each sheet
after a blank line (its title, a header row, the data rows). Amounts are bare integers: no
thousands separators, and a negative amount stays a number.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from campaign.exports.sheets import ExportDocument, in_kst, neutralise

BOM = "\ufeff"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # KST; Excel reads it as a date and time


def cell_text(kind: str, value: Any) -> str:
    """How one cell is written. Only text can carry a formula, so only text is neutralised."""
    if value is None:
        return ""
    if kind == "text":
        return neutralise(value)
    if kind in ("won", "int"):
        return str(value)
    if kind == "datetime" and isinstance(value, datetime):
        return in_kst(value).strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    raise ValueError(f"{value!r} is not a {kind} cell")


def write_csv(document: ExportDocument) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(document.summary_title)])
    for item in document.summary_items:
        writer.writerow([neutralise(item.label), cell_text(item.kind, item.value)])
    for sheet in document.sheets:
        writer.writerow([])
        writer.writerow([neutralise(sheet.title)])
        writer.writerow([neutralise(column.name) for column in sheet.columns])
        for row in sheet.rows:
            writer.writerow(
                [
                    cell_text(column.kind, value)
                    for column, value in zip(sheet.columns, row, strict=True)
                ]
            )
    return (BOM + buffer.getvalue()).encode("utf-8")
