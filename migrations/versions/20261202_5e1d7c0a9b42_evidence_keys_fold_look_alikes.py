"""Evidence keys fold look-alikes: recompute the keys of campaigns that still take actions

The key of a unique reference now ignores punctuation and spaces and folds confusable letters
(campaign.rules.evidence.evidence_key), so "BILL‐2026‐77" and "ВILL-2026-77" count as the bill
"BILL-2026-77". Only campaigns that still accept actions (scheduled, active, paused) are
recomputed: a closed campaign takes no more evidence, and its settlement published a ledger
digest over the keys, which must stay reproducible.

Two references that were distinct before but are one bill now both stay in the ledger (it is
append-only); the later one's key becomes a marker no real key can equal ("\\tduplicate <id>",
a tab is refused in evidence). Keys are first moved to such markers, then set, so the unique
constraint never sees two rows with one key mid-way.

Revision ID: 5e1d7c0a9b42
Revises: 891c3cc363f1
Create Date: 2026-12-02
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from campaign.rules.evidence import evidence_key

revision: str = '5e1d7c0a9b42'
down_revision: str | None = '5c1d8e0a7b42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = ("scheduled", "active", "paused")


def _old_key(evidence: str) -> str:
    """The key as revision 891c3cc363f1's code computed it."""
    folded = unicodedata.normalize("NFKC", evidence).casefold()
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return " ".join(visible.split())


def _rekey(fold: Callable[[str], str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT a.id, a.action_type_id, a.evidence FROM actions a"
            " JOIN campaigns c ON c.id = a.campaign_id"
            " WHERE a.evidence_key IS NOT NULL AND a.evidence IS NOT NULL"
            " AND c.status IN :live ORDER BY a.id"
        ).bindparams(sa.bindparam("live", expanding=True)),
        {"live": list(LIVE)},
    ).all()
    update = sa.text("UPDATE actions SET evidence_key = :key WHERE id = :id")
    for action_id, _type, _evidence in rows:
        bind.execute(update, {"key": f"\tmoving {action_id}", "id": action_id})
    taken: set[tuple[int, str]] = set()
    for action_id, action_type_id, evidence in rows:
        key = fold(evidence)[:200]
        if not key or (action_type_id, key) in taken:
            key = f"\tduplicate {action_id}"
        taken.add((action_type_id, key))
        bind.execute(update, {"key": key, "id": action_id})


def upgrade() -> None:
    _rekey(evidence_key)


def downgrade() -> None:
    _rekey(_old_key)
