"""The ledger's SHA-256, kept a slice at a time so closing a million-action campaign hashes only
what changed since the last sweep.

The digest (what a settlement stores and the prize draw's seed derives from), reproducible by
anyone holding the ledger:

    for each ledger, actions ("a") then pledges ("p"), for each slice k of ids
    [k × CHUNK_IDS, (k + 1) × CHUNK_IDS) holding at least one of the campaign's rows, in order:
        slice = SHA-256 of the rows' lines in id order ("a|id|user_id|…\\n", see LINE_COLUMNS)
        add the line f"{ledger}|{k}|{rows in the slice}|{slice hex}\\n"
    digest = SHA-256 of those lines, in hex.

Why slices and not one running hash kept on every write: rows commit out of id order (two
votes take ids, the later id may commit first) and on several counter rows at once, so a hash
chained at write time would either serialise every writer on one row (what counter_shards
exists to avoid) or hash an order no one can reproduce. A slice's content only ever grows
(ledger rows are never updated or deleted), so its row count tells whether a stored hash still
holds; a late row landing in a slice that was already hashed changes the count and the slice
is hashed again. The sweep stores slices (``keep_up``) while the campaign runs; the close
counts rows per slice (one aggregate per ledger, in the database) and hashes only the slices
whose count moved: O(rows since the last sweep) of hashing, O(n) only of counting in SQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from campaign.models import Action, LedgerChunk, Pledge

CHUNK_IDS = 10_000
FETCH_ROWS = 5_000

LINE_COLUMNS: dict[str, tuple[Any, ...]] = {
    "a": (
        Action.id,
        Action.user_id,
        Action.action_type_id,
        Action.team_id,
        Action.stamps,
        Action.evidence_key,
        Action.counted_at,
    ),
    "p": (
        Pledge.id,
        Pledge.source,
        Pledge.amount_won,
        Pledge.user_id,
        Pledge.team_id,
        Pledge.action_id,
        Pledge.milestone_id,
        Pledge.matches_id,
        Pledge.reverses_id,
    ),
}
MODELS: dict[str, Any] = {"a": Action, "p": Pledge}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(getattr(value, "value", value))


def _counts(session: Session, ledger: str, campaign_id: int) -> dict[int, int]:
    model = MODELS[ledger]
    chunk = model.id // CHUNK_IDS  # integer division on both databases
    return {
        int(k): int(n)
        for k, n in session.execute(
            select(chunk, func.count()).where(model.campaign_id == campaign_id).group_by(chunk)
        )
    }


def _hash_chunk(session: Session, ledger: str, campaign_id: int, chunk: int) -> tuple[int, str]:
    model = MODELS[ledger]
    digest = hashlib.sha256()
    rows = 0
    result = session.connection().execute(
        select(*LINE_COLUMNS[ledger])
        .where(
            model.campaign_id == campaign_id,
            model.id >= chunk * CHUNK_IDS,
            model.id < (chunk + 1) * CHUNK_IDS,
        )
        .order_by(model.id)
        .execution_options(yield_per=FETCH_ROWS)
    )
    prefix = ledger + "|"
    for row in result:
        digest.update((prefix + "|".join(map(_text, row)) + "\n").encode())
        rows += 1
    return rows, digest.hexdigest()


def _slices(session: Session, campaign_id: int) -> Iterator[tuple[str, int, int, str, bool]]:
    """(ledger, chunk, rows, sha256, hashed now) for every slice, in digest order."""
    stored = {
        (c.ledger, c.chunk): (c.rows, c.sha256)
        for c in session.scalars(select(LedgerChunk).where(LedgerChunk.campaign_id == campaign_id))
    }
    for ledger in LINE_COLUMNS:
        for chunk, count in sorted(_counts(session, ledger, campaign_id).items()):
            have = stored.get((ledger, chunk))
            if have is not None and have[0] == count:
                yield ledger, chunk, count, have[1], False
            else:
                rows, sha = _hash_chunk(session, ledger, campaign_id, chunk)
                yield ledger, chunk, rows, sha, True


def ledger_digest(session: Session, campaign_id: int) -> str:
    """SHA-256 over the campaign's actions and pledges (see the module's docstring); stored
    slices whose row count still matches are taken as they are, the others hashed now."""
    digest = hashlib.sha256()
    for ledger, chunk, rows, sha, _fresh in _slices(session, campaign_id):
        digest.update(f"{ledger}|{chunk}|{rows}|{sha}\n".encode())
    return digest.hexdigest()


def keep_up(session: Session, campaign_id: int) -> int:
    """Store the hash of every slice that is new or grew since it was stored (the sweep's job,
    one campaign at a time in the scheduler's single leader); how many were hashed."""
    fresh = [s for s in _slices(session, campaign_id) if s[4]]
    for ledger, chunk, rows, sha, _fresh in fresh:
        session.execute(
            delete(LedgerChunk).where(
                LedgerChunk.campaign_id == campaign_id,
                LedgerChunk.ledger == ledger,
                LedgerChunk.chunk == chunk,
            )
        )
        session.add(
            LedgerChunk(campaign_id=campaign_id, ledger=ledger, chunk=chunk, rows=rows, sha256=sha)
        )
    session.flush()
    return len(fresh)
