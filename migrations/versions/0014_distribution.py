"""distribution

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

The distribution of the proceeds (issue 14): each claim's rank (kind and legal order), conservatory
flag and interest basis; each creditor's opposition day, bank account and e-mail; the debtor's bank
account and e-mail; the office's legal interest rates by half-year (CMF L313-2).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('rank_kind', sa.String(length=20), server_default='unsecured', nullable=False))
        batch.add_column(sa.Column('rank_order', sa.Integer(), server_default='1', nullable=False))
        batch.add_column(sa.Column('conservatory', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('interest_basis', sa.String(length=10), server_default='none', nullable=False))
        batch.add_column(sa.Column('interest_rate', sa.Numeric(precision=8, scale=6), nullable=True))
        batch.add_column(sa.Column('enforceable_on', sa.Date(), nullable=True))
        batch.create_check_constraint(
            op.f('ck_claims_rank_kind'), "rank_kind IN ('costs_of_justice', 'privileged', 'secured', 'unsecured')")
        batch.create_check_constraint(op.f('ck_claims_rank_order_positive'), 'rank_order >= 1')
        batch.create_check_constraint(op.f('ck_claims_interest_basis'), "interest_basis IN ('none', 'legal', 'title')")
    with op.batch_alter_table('creditors') as batch:
        batch.add_column(sa.Column('came_forward_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('iban', sa.String(length=34), server_default='', nullable=False))
        batch.add_column(sa.Column('bic', sa.String(length=11), server_default='', nullable=False))
        batch.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('debtor_iban', sa.String(length=34), server_default='', nullable=False))
        batch.add_column(sa.Column('debtor_bic', sa.String(length=11), server_default='', nullable=False))
        batch.add_column(sa.Column('debtor_email', sa.String(length=254), server_default='', nullable=False))
    # Existing rows got '' above; the application fills these columns from now on.
    with op.batch_alter_table('creditors') as batch:
        for column in ('iban', 'bic', 'email'):
            batch.alter_column(column, server_default=None)
    with op.batch_alter_table('cases') as batch:
        for column in ('debtor_iban', 'debtor_bic', 'debtor_email'):
            batch.alter_column(column, server_default=None)
    op.create_table('legal_interest_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('half_year', sa.Date(), nullable=False),
    sa.Column('private_rate', sa.Numeric(precision=8, scale=6), nullable=False),
    sa.Column('other_rate', sa.Numeric(precision=8, scale=6), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_legal_interest_rates_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_interest_rates')),
    sa.UniqueConstraint('half_year', name=op.f('uq_legal_interest_rates_half_year'))
    )


def downgrade() -> None:
    op.drop_table('legal_interest_rates')
    with op.batch_alter_table('cases') as batch:
        for column in ('debtor_email', 'debtor_bic', 'debtor_iban'):
            batch.drop_column(column)
    with op.batch_alter_table('creditors') as batch:
        for column in ('email', 'bic', 'iban', 'came_forward_on'):
            batch.drop_column(column)
    with op.batch_alter_table('claims') as batch:
        batch.drop_constraint(op.f('ck_claims_interest_basis'), type_='check')
        batch.drop_constraint(op.f('ck_claims_rank_order_positive'), type_='check')
        batch.drop_constraint(op.f('ck_claims_rank_kind'), type_='check')
        for column in ('enforceable_on', 'interest_rate', 'interest_basis', 'conservatory', 'rank_order', 'rank_kind'):
            batch.drop_column(column)
