"""scheduler sweeps: when the leader last ran each sweep

Revision ID: 5c1d8e0a7b42
Revises: 891c3cc363f1
Create Date: 2026-12-02 04:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5c1d8e0a7b42'
down_revision: str | None = '891c3cc363f1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'scheduler_sweeps',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lag_ms', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_sweeps')),
    )


def downgrade() -> None:
    op.drop_table('scheduler_sweeps')
