"""seller's VAT on the hammer prices of a case

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

A case's seller (the debtor) who is a taxable business and says so has VAT added to the hammer
prices of its lots, at the rate the officer sets; otherwise (NULL) the hammer price carries no VAT.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('seller_vat_rate', sa.Numeric(8, 6), nullable=True))
        batch.create_check_constraint(
            op.f('ck_cases_seller_vat_rate'), 'seller_vat_rate IS NULL OR (seller_vat_rate > 0 AND seller_vat_rate < 0.5)')


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_constraint(op.f('ck_cases_seller_vat_rate'), type_='check')
        batch.drop_column('seller_vat_rate')
