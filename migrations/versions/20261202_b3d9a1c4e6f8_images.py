"""images: uploaded pictures (content-addressed) and where they are shown, with their alt text

Revision ID: b3d9a1c4e6f8
Revises: c4a9e2b7d1f3
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'b3d9a1c4e6f8'
down_revision = "c4a9e2b7d1f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _placement(table: str, owner: str, owner_table: str) -> None:
    op.create_table(table,
    sa.Column(owner, ID, nullable=False),
    sa.Column('image_id', ID, nullable=False),
    sa.Column('alt', sa.String(length=200), nullable=False),
    sa.Column('set_by_id', ID, nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint([owner], [f'{owner_table}.id'], name=op.f(f'fk_{table}_{owner}_{owner_table}'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['image_id'], ['images.id'], name=op.f(f'fk_{table}_image_id_images'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f(f'fk_{table}_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint(owner, name=op.f(f'pk_{table}'))
    )


def upgrade() -> None:
    op.create_table('images',
    sa.Column('id', ID, nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('width', ID, nullable=False),
    sa.Column('height', ID, nullable=False),
    sa.Column('byte_size', ID, nullable=False),
    sa.Column('uploaded_by_id', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('width > 0 AND height > 0 AND byte_size > 0', name=op.f('ck_images_dimensions_positive')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_images_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_images')),
    sa.UniqueConstraint('key', name=op.f('uq_images_key'))
    )
    _placement('campaign_covers', 'campaign_id', 'campaigns')
    _placement('partner_logos', 'partner_id', 'partners')
    _placement('proposal_covers', 'proposal_id', 'proposals')


def downgrade() -> None:
    op.drop_table('proposal_covers')
    op.drop_table('partner_logos')
    op.drop_table('campaign_covers')
    op.drop_table('images')
