"""campaigns.revision: bumped by every edit of a campaign's rules (the spec cache's key)

Revision ID: 5e1f0c2a9b7d
Revises: 891c3cc363f1
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5e1f0c2a9b7d'
down_revision: str | None = 'a7c3e5d91f02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'revision',
                sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                server_default='1',
                nullable=False,
            )
        )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35 has it): a batch copy would drop and recreate
    # campaigns, which the rows referencing it forbid.
    op.execute('ALTER TABLE campaigns DROP COLUMN revision')
