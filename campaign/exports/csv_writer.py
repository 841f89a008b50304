"""CSV for Korean Excel: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting, formula-safe.

Layout: the summary block (its title, then one "label,value" row per item), then each sheet
after a blank line (its title, a header row, the data rows). Amounts are bare integers: no
thousands separators, and a negative amount stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import IO, Any

from campaign.exports.sheets import Column, ExportDocument, in_kst, neutralise
from campaign.rules.calendar import KST

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


# Since 1988-10-09 Korea keeps +09:00 all year, so a moment after that converts with a fixed
# offset (a C-level conversion; the zoneinfo one costs a Python call per cell).
KST_FIXED = timezone(timedelta(hours=9))
KST_FIXED_SINCE = datetime(1988, 10, 10, tzinfo=UTC)


def _kst_text(value: datetime) -> str:
    # DATETIME_FORMAT, as isoformat writes it (several times faster than strftime).
    local = value.astimezone(KST_FIXED if value >= KST_FIXED_SINCE else KST)
    return local.isoformat(" ", "seconds")[:19]


# cell_text's branches, chosen once per column rather than once per cell (a sheet's cells were
# checked against their column's kind, so a "datetime" cell is always a datetime).
_CELL_TEXT: dict[str, Callable[[Any], str]] = {
    "text": neutralise,
    "won": str,
    "int": str,
    "datetime": _kst_text,
    "date": date.isoformat,
}


def _row_text(columns: Sequence[Column]) -> Callable[[Sequence[Any]], list[str]]:
    texts = [_CELL_TEXT[column.kind] for column in columns]

    def row_text(row: Sequence[Any]) -> list[str]:
        return [
            "" if value is None else text(value) for text, value in zip(texts, row, strict=True)
        ]

    return row_text


FLUSH_ROWS = 2000  # rows buffered as text before they are encoded and written out


def write_csv_to(document: ExportDocument, out: IO[bytes]) -> int:
    """Write the document to ``out`` as it is read (streamed sheets included); the number of
    data rows written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def flush() -> None:
        out.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()

    buffer.write(BOM)
    writer.writerow([neutralise(document.summary_title)])
    for item in document.summary_items:
        writer.writerow([neutralise(item.label), cell_text(item.kind, item.value)])
    count = 0
    for sheet in document.sheets:
        writer.writerow([])
        writer.writerow([neutralise(sheet.title)])
        writer.writerow([neutralise(column.name) for column in sheet.columns])
        row_text = _row_text(sheet.columns)
        for row in sheet.each_row():
            writer.writerow(row_text(row))
            count += 1
            if count % FLUSH_ROWS == 0:
                flush()
    flush()
    return count


def write_csv(document: ExportDocument) -> bytes:
    out = io.BytesIO()
    write_csv_to(document, out)
    return out.getvalue()
