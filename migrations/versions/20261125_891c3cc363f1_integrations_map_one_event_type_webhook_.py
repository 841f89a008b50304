"""integrations map one event type; webhook events say why

Revision ID: 891c3cc363f1
Revises: 3ca03adffe2a
Create Date: 2026-11-25 14:33:27.646204
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '891c3cc363f1'
down_revision: str | None = '3ca03adffe2a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An integration made before this revision sent no event type: '' matches none, so such an
    # integration refuses every event until an admin replaces it.
    with op.batch_alter_table('integrations', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('event_type', sa.String(length=60), nullable=False, server_default='')
        )

    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=60), nullable=True))
        batch_op.create_index('ix_webhook_events_outcome_email', ['outcome', 'email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_events_outcome_email')
        batch_op.drop_column('reason')

    with op.batch_alter_table('integrations', schema=None) as batch_op:
        batch_op.drop_column('event_type')
