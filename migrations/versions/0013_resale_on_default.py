"""resale on default

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

Réitération des enchères (CPCE R221-38): a lot in default put up again in a later sale is a new lot
row there, linked to the lot it was first sold as (same case); a bidder blocked after a default
points to the default act (the sale and the seq of its `default_declared` settlement event).
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lots') as batch:
        batch.add_column(sa.Column('resale_of_lot_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_lots_resale_of_lot_id_lots', 'lots', ['resale_of_lot_id'], ['id'],
                                 ondelete='RESTRICT')
        batch.create_unique_constraint('uq_lots_resale_of_lot_id', ['resale_of_lot_id'])
    with op.batch_alter_table('bidders') as batch:
        batch.add_column(sa.Column('blocked_sale_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('blocked_default_seq', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_bidders_blocked_sale_id_sales', 'sales', ['blocked_sale_id'], ['id'],
                                 ondelete='RESTRICT')


def downgrade() -> None:
    with op.batch_alter_table('bidders') as batch:
        batch.drop_constraint('fk_bidders_blocked_sale_id_sales', type_='foreignkey')
        batch.drop_column('blocked_default_seq')
        batch.drop_column('blocked_sale_id')
    with op.batch_alter_table('lots') as batch:
        batch.drop_constraint('uq_lots_resale_of_lot_id', type_='unique')
        batch.drop_constraint('fk_lots_resale_of_lot_id_lots', type_='foreignkey')
        batch.drop_column('resale_of_lot_id')
