"""campaigns.predecessor_id: a campaign's previous season (one successor each)

Revision ID: b3d9e1f4a6c8
Revises: b4d2e6f81a37
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'b3d9e1f4a6c8'
down_revision = "b4d2e6f81a37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        # No batch copy: campaigns is referenced by most tables. SQLite adds a column with a
        # REFERENCES clause in place; the uniqueness is an index, as on PostgreSQL.
        op.execute(
            'ALTER TABLE campaigns ADD COLUMN predecessor_id INTEGER '
            'CONSTRAINT fk_campaigns_predecessor_id_campaigns '
            'REFERENCES campaigns (id)'
        )
        op.create_index('ix_campaigns_predecessor_id', 'campaigns', ['predecessor_id'], unique=True)
        return
    op.add_column('campaigns', sa.Column('predecessor_id', BIGINT, nullable=True))
    op.create_foreign_key(
        'fk_campaigns_predecessor_id_campaigns',
        'campaigns',
        'campaigns',
        ['predecessor_id'],
        ['id'],
    )
    op.create_index('ix_campaigns_predecessor_id', 'campaigns', ['predecessor_id'], unique=True)


def downgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        op.drop_index('ix_campaigns_predecessor_id', table_name='campaigns')
        op.execute('ALTER TABLE campaigns DROP COLUMN predecessor_id')
        return
    op.drop_index('ix_campaigns_predecessor_id', table_name='campaigns')
    op.drop_constraint('fk_campaigns_predecessor_id_campaigns', 'campaigns', type_='foreignkey')
    op.drop_column('campaigns', 'predecessor_id')
