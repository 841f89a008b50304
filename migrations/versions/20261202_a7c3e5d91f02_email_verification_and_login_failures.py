"""email verification; failed log-ins per address

Revision ID: a7c3e5d91f02
Revises: 891c3cc363f1
Create Date: 2026-12-02 04:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'a7c3e5d91f02'
down_revision: str | None = '5e1d7c0a9b42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    # Admins were made by an operator (create-admin) who vouches for the address. Everyone else
    # proves their mailbox with the link the app mails them (accounts keep their current role).
    op.execute("UPDATE users SET email_verified_at = created_at WHERE role = 'admin'")

    op.create_table('login_failures',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_login_failures'))
    )


def downgrade() -> None:
    op.drop_table('login_failures')
    # A plain DROP COLUMN: a batch copy would recreate users, which other rows reference.
    op.execute('ALTER TABLE users DROP COLUMN email_verified_at')
