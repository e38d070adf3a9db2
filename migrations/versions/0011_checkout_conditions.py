"""checkout conditions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

A sale's checkout conditions: the payment deadline in days after the sale, and storage fees (free
days, then an amount per day and lot).
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('sales', sa.Column('payment_days', sa.Integer(), server_default='8', nullable=False))
    op.add_column('sales', sa.Column('storage_free_days', sa.Integer(), server_default='0', nullable=False))
    op.add_column('sales', sa.Column('storage_fee_cents', sa.BigInteger(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('sales') as batch:
        batch.drop_column('storage_fee_cents')
        batch.drop_column('storage_free_days')
        batch.drop_column('payment_days')
