"""cheer wall and moderation: action_types.message, cheer_messages, content_reports, and
moderation columns on proposal_comments

Revision ID: 43daa616553d
Revises: b3d9f1c6e2a4
Create Date: 2026-12-02 14:38:32.696533
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '43daa616553d'
down_revision = "b3d9f1c6e2a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # action_types is referenced by the ledger, so SQLite must not copy it (a batch would):
    # a plain ADD COLUMN with the enum's CHECK inline there, the same column and constraint
    # added separately on PostgreSQL.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            "ALTER TABLE action_types ADD COLUMN message VARCHAR(20) DEFAULT 'none' NOT NULL "
            "CONSTRAINT ck_action_types_message_rule CHECK (message IN ('none', 'required'))"
        )
    else:
        op.add_column(
            'action_types',
            sa.Column('message', sa.String(length=20), server_default='none', nullable=False),
        )
        op.create_check_constraint(
            op.f('ck_action_types_message_rule'), 'action_types', "message IN ('none', 'required')"
        )

    # Nothing references proposal_comments yet (content_reports comes below), so a batch copy
    # on SQLite is safe and gives the new column its foreign key.
    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposal_comments_hidden_by_id_users'), 'users', ['hidden_by_id'], ['id'], ondelete='SET NULL')

    op.create_table('cheer_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('hidden_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_cheer_messages_action_id_actions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_cheer_messages_campaign_id_campaigns'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_cheer_messages_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cheer_messages_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cheer_messages')),
    sa.UniqueConstraint('action_id', name=op.f('uq_cheer_messages_action_id'))
    )
    with op.batch_alter_table('cheer_messages', schema=None) as batch_op:
        batch_op.create_index('ix_cheer_messages_campaign_id_id', ['campaign_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cheer_messages_user_id'), ['user_id'], unique=False)

    op.create_table('content_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cheer_message_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('comment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reporter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(cheer_message_id IS NULL) <> (comment_id IS NULL)', name=op.f('ck_content_reports_one_subject')),
    sa.ForeignKeyConstraint(['cheer_message_id'], ['cheer_messages.id'], name=op.f('fk_content_reports_cheer_message_id_cheer_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['comment_id'], ['proposal_comments.id'], name=op.f('fk_content_reports_comment_id_proposal_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_content_reports_reporter_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_reports')),
    sa.UniqueConstraint('cheer_message_id', 'reporter_id', name=op.f('uq_content_reports_cheer_message_id_reporter_id')),
    sa.UniqueConstraint('comment_id', 'reporter_id', name=op.f('uq_content_reports_comment_id_reporter_id'))
    )
    with op.batch_alter_table('content_reports', schema=None) as batch_op:
        batch_op.create_index('ix_content_reports_resolved_at', ['resolved_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('content_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_content_reports_resolved_at')
    op.drop_table('content_reports')

    with op.batch_alter_table('cheer_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cheer_messages_user_id'))
        batch_op.drop_index('ix_cheer_messages_campaign_id_id')
    op.drop_table('cheer_messages')

    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposal_comments_hidden_by_id_users'), type_='foreignkey')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    # A plain DROP COLUMN: a batch copy would recreate action_types, which the ledger
    # references (its CHECK goes with the column).
    op.drop_column('action_types', 'message')
