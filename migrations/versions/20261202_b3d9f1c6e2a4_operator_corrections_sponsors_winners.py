"""sponsors, campaign sponsors, corrections (voids), draw winners' contacts, results mailed

Revision ID: b3d9f1c6e2a4
Revises: b3d9e1f4a6c8
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'b3d9f1c6e2a4'
down_revision = "b3d9e1f4a6c8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    # Plain ADD COLUMN (nullable): a batch copy would drop and recreate settlements.
    op.add_column('settlements', sa.Column('results_mailed_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'sponsors',
        sa.Column('id', ID, nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('contact_name', sa.String(length=60), nullable=True),
        sa.Column('contact_email', sa.String(length=254), nullable=True),
        sa.Column('contact_phone', sa.String(length=40), nullable=True),
        sa.Column('logo_url', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsors')),
        sa.UniqueConstraint('name', name=op.f('uq_sponsors_name')),
    )
    op.create_table(
        'campaign_sponsors',
        sa.Column('campaign_id', ID, nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('sponsor_id', ID, nullable=False),
        sa.CheckConstraint("role IN ('purse', 'match')", name=op.f('ck_campaign_sponsors_role_known')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_sponsors_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sponsor_id'], ['sponsors.id'], name=op.f('fk_campaign_sponsors_sponsor_id_sponsors'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('campaign_id', 'role', name=op.f('pk_campaign_sponsors')),
    )
    op.create_index(op.f('ix_campaign_sponsors_sponsor_id'), 'campaign_sponsors', ['sponsor_id'], unique=False)
    op.create_table(
        'corrections',
        sa.Column('id', ID, nullable=False),
        sa.Column('campaign_id', ID, nullable=False),
        sa.Column('action_id', ID, nullable=True),
        sa.Column('gift_id', ID, nullable=True),
        sa.Column('user_id', ID, nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('stamps', ID, nullable=False),
        sa.Column('won_returned', ID, nullable=False),
        sa.Column('gift_won', ID, nullable=False),
        sa.Column('after_close', sa.Boolean(), nullable=False),
        sa.Column('actor_id', ID, nullable=True),
        sa.Column('actor_label', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('(action_id IS NULL) <> (gift_id IS NULL)', name=op.f('ck_corrections_one_target')),
        sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_corrections_action_id_actions'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_corrections_actor_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_corrections_campaign_id_campaigns'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['gift_id'], ['pledges.id'], name=op.f('fk_corrections_gift_id_pledges'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_corrections_user_id_users'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_corrections')),
        sa.UniqueConstraint('action_id', name=op.f('uq_corrections_action_id')),
        sa.UniqueConstraint('gift_id', name=op.f('uq_corrections_gift_id')),
    )
    op.create_index(op.f('ix_corrections_campaign_id'), 'corrections', ['campaign_id'], unique=False)
    op.create_table(
        'winner_contacts',
        sa.Column('settlement_id', ID, nullable=False),
        sa.Column('user_id', ID, nullable=False),
        sa.Column('legal_name', sa.String(length=60), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=True),
        sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['settlement_id'], ['settlements.id'], name=op.f('fk_winner_contacts_settlement_id_settlements'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_winner_contacts_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('settlement_id', 'user_id', name=op.f('pk_winner_contacts')),
    )


def downgrade() -> None:
    op.drop_table('winner_contacts')
    op.drop_index(op.f('ix_corrections_campaign_id'), table_name='corrections')
    op.drop_table('corrections')
    op.drop_index(op.f('ix_campaign_sponsors_sponsor_id'), table_name='campaign_sponsors')
    op.drop_table('campaign_sponsors')
    op.drop_table('sponsors')
    op.drop_column('settlements', 'results_mailed_at')
