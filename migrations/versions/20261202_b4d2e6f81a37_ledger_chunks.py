"""ledger_chunks: the ledger's digest kept a slice at a time, so a close hashes only what changed

Revision ID: b4d2e6f81a37
Revises: 5e1f0c2a9b7d
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'b4d2e6f81a37'
down_revision = "5e1f0c2a9b7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'ledger_chunks',
        sa.Column('campaign_id', BIG, nullable=False),
        sa.Column('ledger', sa.String(length=1), nullable=False),
        sa.Column('chunk', BIG, autoincrement=False, nullable=False),
        sa.Column('rows', BIG, nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ['campaign_id'],
            ['campaigns.id'],
            name=op.f('fk_ledger_chunks_campaign_id_campaigns'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('campaign_id', 'ledger', 'chunk', name=op.f('pk_ledger_chunks')),
    )


def downgrade() -> None:
    op.drop_table('ledger_chunks')
