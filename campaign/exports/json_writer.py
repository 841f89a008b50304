"""JSON: {"summary": {label: value}, "sheets": {title: [{column: value}, …]}}.

Integers stay integers, dates are ISO 8601 ("2026-11-25"), times ISO 8601 in KST with their
offset ("2026-11-25T12:00:00+09:00"). Text is not altered: JSON is data, never a formula.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from campaign.exports.sheets import ExportDocument
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


def write_json(document: ExportDocument) -> bytes:
    return json.dumps(as_dict(document), ensure_ascii=False, indent=2).encode("utf-8")
