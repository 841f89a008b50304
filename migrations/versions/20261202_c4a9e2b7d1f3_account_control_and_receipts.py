"""account deletion (users.deleted_at); receipt requests carry the donor's number, sealed,
their address and a status

Revision ID: c4a9e2b7d1f3
Revises: 43daa616553d
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'c4a9e2b7d1f3'
down_revision = "43daa616553d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))

    # Nothing references receipt_requests, so a batch copy (SQLite) is safe here.
    with op.batch_alter_table('receipt_requests', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'donor_kind',
                sa.Enum('person', 'company', name='receipt_donor_kind', native_enum=False,
                        create_constraint=True, length=20),
                server_default='person',
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column('id_number_sealed', sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column('id_number_masked', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                'status',
                sa.Enum('requested', 'sent', 'issued', name='receipt_status', native_enum=False,
                        create_constraint=True, length=20),
                server_default='requested',
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('receipt_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_receipt_requests_receipt_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_receipt_requests_receipt_donor_kind'), type_='check')
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('status')
        batch_op.drop_column('address')
        batch_op.drop_column('id_number_masked')
        batch_op.drop_column('id_number_sealed')
        batch_op.drop_column('donor_kind')
    # A plain DROP COLUMN: a batch copy would recreate users, which other rows reference.
    op.execute('ALTER TABLE users DROP COLUMN deleted_at')
