"""actions carry their team; a participant's sponsor ₩ is read from their pledges

Revision ID: 3ca03adffe2a
Revises: 623abed62fb7
Create Date: 2026-11-25 14:26:04.083076
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '3ca03adffe2a'
down_revision: str | None = '623abed62fb7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_actions_team_id_teams'), 'teams', ['team_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('won')



def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('won', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False, server_default='0')
        )

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_actions_team_id_teams'), type_='foreignkey')
        batch_op.drop_column('team_id')

