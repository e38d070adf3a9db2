"""tariff amounts of A444-6 to A444-8

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

The office's tariff periods carry the other regulated amounts: copies of the sale record (A444-6),
deposits at the Caisse des dépôts (A444-7), postponements and the cancelled sale (A444-8). Periods
entered before this revision get the amounts in force when they were entered (those of the shipped
1 March 2024 period, which every renewal since 2020 left unchanged).
"""
import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

COLUMNS = (('copy_page_cents', sa.BigInteger(), '68'), ('deposit_cents', sa.BigInteger(), '685'),
           ('postponement_cents', sa.BigInteger(), '685'), ('postponement_max', sa.Integer(), '5'),
           ('cancellation_cents', sa.BigInteger(), '6845'))


def upgrade() -> None:
    with op.batch_alter_table('tariff_periods', schema=None) as batch_op:
        for name, type_, default in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=default))
    with op.batch_alter_table('tariff_periods', schema=None) as batch_op:
        for name, type_, default in COLUMNS:
            batch_op.alter_column(name, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('tariff_periods', schema=None) as batch_op:
        for name, _, _ in COLUMNS:
            batch_op.drop_column(name)
