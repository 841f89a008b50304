"""JSON: {"summary": {label: value}, "sheets": {title: [{column: value}, …]}}.

Integers stay integers, dates are ISO 8601 ("2026-11-25"), times ISO 8601 in KST with their
offset ("2026-11-25T12:00:00+09:00"). Text is not altered: JSON is data, never a formula.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import IO, Any

from campaign.exports.sheets import Column, ExportDocument
from campaign.rules.calendar import KST


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(KST).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_dict(document: ExportDocument) -> dict[str, Any]:
    return {
        "summary": {item.label: _value(item.value) for item in document.summary_items},
        "sheets": {
            sheet.title: [
                {
                    column.name: _value(value)
                    for column, value in zip(sheet.columns, row, strict=True)
                }
                for row in sheet.rows
            ]
            for sheet in document.sheets
        },
    }


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(_value(value), ensure_ascii=False)


def _row_text(columns: Sequence[Column]) -> Callable[[Sequence[Any]], str]:
    # A row object as json.dumps(..., indent=2) writes it three levels deep: keys at 8 spaces,
    # its closing brace at 6.
    keys = [f"\n        {encode_basestring(column.name)}: " for column in columns]

    def row_text(row: Sequence[Any]) -> str:
        return (
            "{"
            + ",".join(key + _cell(value) for key, value in zip(keys, row, strict=True))
            + "\n      }"
        )

    return row_text


FLUSH_ROWS = 2000


def write_json_to(document: ExportDocument, out: IO[bytes]) -> int:
    """Write the document to ``out`` as it is read, byte for byte what
    ``json.dumps(as_dict(document), ensure_ascii=False, indent=2)`` gives (JSON strings hold no
    raw newline, so indenting a nested dump's lines is exact); the number of data rows."""
    parts: list[str] = []

    def flush() -> None:
        out.write("".join(parts).encode("utf-8"))
        parts.clear()

    summary = {item.label: _value(item.value) for item in document.summary_items}
    parts.append('{\n  "summary": ')
    parts.append(json.dumps(summary, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    parts.append(',\n  "sheets": ')
    count = 0
    if not document.sheets:
        parts.append("{}")
    for number, sheet in enumerate(document.sheets):
        parts.append("{\n    " if number == 0 else ",\n    ")
        parts.append(encode_basestring(sheet.title) + ": [")
        row_text = _row_text(sheet.columns)
        first = True
        for row in sheet.each_row():
            parts.append("\n      " if first else ",\n      ")
            parts.append(row_text(row))
            first = False
            count += 1
            if count % FLUSH_ROWS == 0:
                flush()
        parts.append("]" if first else "\n    ]")
    if document.sheets:
        parts.append("\n  }")
    parts.append("\n}")
    flush()
    return count


def write_json(document: ExportDocument) -> bytes:
    out = io.BytesIO()
    write_json_to(document, out)
    return out.getvalue()
