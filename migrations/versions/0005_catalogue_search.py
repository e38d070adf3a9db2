"""catalogue search: lots' folded search text, indexes for the public catalogue

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from auction.domain.catalogue import lot_search_text


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
        batch_op.create_index('ix_lots_sale_id_category', ['sale_id', 'category'], unique=False)
        batch_op.create_index('ix_lots_sale_id_position', ['sale_id', 'position'], unique=False)

    # Existing lots get their search text (the app keeps it up to date from now on).
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, title, description FROM lots")).all()
    if rows:
        conn.execute(sa.text("UPDATE lots SET search_text = :text WHERE id = :id"),
                     [{"id": id_, "text": lot_search_text(title, description)} for id_, title, description in rows])

    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.alter_column('search_text', existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.drop_index('ix_lots_sale_id_position')
        batch_op.drop_index('ix_lots_sale_id_category')
        batch_op.drop_column('search_text')
