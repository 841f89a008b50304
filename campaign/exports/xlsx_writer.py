"""XLSX through openpyxl: a "Summary" worksheet, then one per sheet.

Headers are bold and frozen; ₩ are stored as integers shown as 1,234; dates and times are real
spreadsheet dates (times in KST). Text is always stored as text: openpyxl would make any string
starting with "=" a formula, so text cells get the string type explicitly, and those starting
with a formula character also get Excel's quote prefix, so editing the cell keeps it text.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import UTC, date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from campaign.exports.sheets import FORMULA_TRIGGERS, ExportDocument, in_kst

NUMBER_FORMATS = {
    "won": "#,##0",
    "int": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}
WIDTH_MIN, WIDTH_MAX = 8, 60
# Without created_at the file properties carry this fixed stamp, so output stays reproducible.
FIXED_STAMP = datetime(2000, 1, 1)
ZIP_STAMP = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def _put(cell: Cell, kind: str, value: Any) -> None:
    if value is None:
        return
    if kind == "text":
        # Characters XML cannot hold (NUL, most C0 controls) would make openpyxl refuse the file.
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
        return
    if kind == "datetime":
        cell.value = in_kst(value)
    else:
        cell.value = value
    cell.number_format = NUMBER_FORMATS[kind]


def _display_width(kind: str, value: Any) -> int:
    if value is None:
        return 0
    if kind == "won":
        return len(f"{value:,}")
    if kind == "datetime":
        return 19
    if isinstance(value, date):
        return 10
    text = str(value)
    # Hangul and other wide characters take two columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_columns(worksheet: Worksheet, widths: dict[int, int]) -> None:
    for index, width in widths.items():
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = min(max(width + 2, WIDTH_MIN), WIDTH_MAX)


def _write_summary(worksheet: Worksheet, document: ExportDocument) -> None:
    widths: dict[int, int] = {}
    bold = Font(bold=True)
    for row, item in enumerate(document.summary_items, start=1):
        label = worksheet.cell(row=row, column=1)
        _put(label, "text", item.label)
        label.font = bold
        _put(worksheet.cell(row=row, column=2), item.kind, item.value)
        widths[1] = max(widths.get(1, 0), _display_width("text", item.label))
        widths[2] = max(widths.get(2, 0), _display_width(item.kind, item.value))
    _fit_columns(worksheet, widths)


def _reproducible(data: bytes) -> bytes:
    """The same archive with every entry's timestamp fixed (zipfile stamps them with now)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_STAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


def write_xlsx_to(document: ExportDocument, out: IO[bytes]) -> int:
    """The workbook written to ``out``; the number of data rows. Not streamed: openpyxl holds
    every cell until it saves, so a streamed sheet is read whole into the workbook here."""
    workbook = Workbook()
    stamp = (
        document.created_at.astimezone(UTC).replace(tzinfo=None)
        if document.created_at
        else FIXED_STAMP
    )
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    summary = workbook.active
    summary.title = document.summary_title
    _write_summary(summary, document)

    bold = Font(bold=True)
    count = 0
    for sheet in document.sheets:
        worksheet = workbook.create_sheet(sheet.title)
        widths: dict[int, int] = {}
        for index, column in enumerate(sheet.columns, start=1):
            header = worksheet.cell(row=1, column=index)
            _put(header, "text", column.name)
            header.font = bold
            widths[index] = _display_width("text", column.name)
        for row_number, row in enumerate(sheet.each_row(), start=2):
            count += 1
            for index, (column, value) in enumerate(zip(sheet.columns, row, strict=True), start=1):
                _put(worksheet.cell(row=row_number, column=index), column.kind, value)
                widths[index] = max(widths[index], _display_width(column.kind, value))
        worksheet.freeze_panes = "A2"
        _fit_columns(worksheet, widths)

    buffer = io.BytesIO()
    # ExcelWriter rather than workbook.save(): save() stamps "modified" with the clock.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    out.write(_reproducible(buffer.getvalue()))
    return count


def write_xlsx(document: ExportDocument) -> bytes:
    out = io.BytesIO()
    write_xlsx_to(document, out)
    return out.getvalue()
