"""verification act before the sale (CPCE R221-36)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02

A verification act's line names the lot of the missing or damaged goods and what became of it (the
lot withdrawn or described again). Creditors carry the day they came forward: the seizing creditor's
is the seizure's day, filled in here for those recorded before this revision.
"""
import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lot_action', sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(op.f('fk_inventory_items_lot_id_lots'), 'lots', ['lot_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint(
            op.f('ck_inventory_items_lot_action'), "lot_action IS NULL OR lot_action IN ('withdrawn', 'redescribed')")
    op.execute("UPDATE creditors SET came_forward_on = (SELECT seizure_date FROM cases WHERE cases.id = creditors.case_id) "
               "WHERE role = 'seizing' AND came_forward_on IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_inventory_items_lot_action'), type_='check')
        batch_op.drop_constraint(op.f('fk_inventory_items_lot_id_lots'), type_='foreignkey')
        batch_op.drop_column('lot_action')
        batch_op.drop_column('lot_id')
