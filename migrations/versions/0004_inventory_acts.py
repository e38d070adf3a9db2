"""inventory acts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inventory_acts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('act_date', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('present_persons', sa.Text(), nullable=False),
    sa.Column('prior_seizures_statement', sa.Text(), nullable=False),
    sa.Column('custody_notice', sa.Text(), nullable=False),
    sa.Column('amicable_sale_notice', sa.Text(), nullable=False),
    sa.Column('enforcement_court', sa.String(length=300), nullable=False),
    sa.Column('correction_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=True),
    sa.CheckConstraint("kind IN ('seizure', 'correction', 'verification')", name=op.f('ck_inventory_acts_kind')),
    sa.CheckConstraint('(signed_at IS NULL) = (digest IS NULL)', name=op.f('ck_inventory_acts_signed_has_digest')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_inventory_acts_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inventory_acts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['inventory_acts.id'], name=op.f('fk_inventory_acts_parent_id_inventory_acts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_inventory_acts_signed_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_acts'))
    )
    with op.batch_alter_table('inventory_acts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inventory_acts_case_id'), ['case_id'], unique=False)

    op.create_table('inventory_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('act_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('condition', sa.String(length=300), nullable=False),
    sa.Column('estimate_cents', sa.BigInteger(), nullable=True),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('refers_to_item_id', sa.Integer(), nullable=True),
    sa.Column('finding', sa.String(length=20), nullable=True),
    sa.CheckConstraint("finding IS NULL OR finding IN ('missing', 'damaged')", name=op.f('ck_inventory_items_finding')),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_inventory_items_quantity_positive')),
    sa.ForeignKeyConstraint(['act_id'], ['inventory_acts.id'], name=op.f('fk_inventory_items_act_id_inventory_acts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['refers_to_item_id'], ['inventory_items.id'], name=op.f('fk_inventory_items_refers_to_item_id_inventory_items'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inventory_items')),
    sa.UniqueConstraint('act_id', 'position', name=op.f('uq_inventory_items_act_id_position'))
    )
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inventory_items_act_id'), ['act_id'], unique=False)

    op.create_table('lot_items',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['inventory_items.id'], name=op.f('fk_lot_items_item_id_inventory_items'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_items_lot_id_lots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lot_id', 'item_id', name=op.f('pk_lot_items')),
    sa.UniqueConstraint('item_id', name=op.f('uq_lot_items_item_id'))
    )


def downgrade() -> None:
    op.drop_table('lot_items')
    with op.batch_alter_table('inventory_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inventory_items_act_id'))

    op.drop_table('inventory_items')
    with op.batch_alter_table('inventory_acts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inventory_acts_case_id'))

    op.drop_table('inventory_acts')
