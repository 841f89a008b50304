"""sponsor_logos: a sponsor's uploaded logo, placed like a partner's

Revision ID: e7a1c3f5b9d2
Revises: b3d9a1c4e6f8
Create Date: 2026-12-02 19:00:00

``sponsors.logo_url`` stays: a typed address keeps working as a fallback where it can (a path
under /static/; the pages' Content-Security-Policy never let another site's image show), and no
address an admin typed is thrown away by a migration that could not fetch it anyway.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'e7a1c3f5b9d2'
down_revision = "b3d9a1c4e6f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('sponsor_logos',
    sa.Column('sponsor_id', ID, nullable=False),
    sa.Column('image_id', ID, nullable=False),
    sa.Column('alt', sa.String(length=200), nullable=False),
    sa.Column('set_by_id', ID, nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sponsor_id'], ['sponsors.id'], name=op.f('fk_sponsor_logos_sponsor_id_sponsors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['image_id'], ['images.id'], name=op.f('fk_sponsor_logos_image_id_images'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_sponsor_logos_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('sponsor_id', name=op.f('pk_sponsor_logos'))
    )


def downgrade() -> None:
    op.drop_table('sponsor_logos')
