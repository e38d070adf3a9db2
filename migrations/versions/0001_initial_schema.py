"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 07:47:46.151827
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('debtor_name', sa.String(length=200), nullable=False),
    sa.Column('debtor_is_company', sa.Boolean(), nullable=False),
    sa.Column('debtor_address', sa.String(length=200), nullable=False),
    sa.Column('debtor_postcode', sa.String(length=10), nullable=False),
    sa.Column('debtor_city', sa.String(length=100), nullable=False),
    sa.Column('title_nature', sa.String(length=200), nullable=False),
    sa.Column('title_court', sa.String(length=200), nullable=False),
    sa.Column('title_date', sa.Date(), nullable=False),
    sa.Column('seizure_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    op.create_table('sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place_kind', sa.String(length=20), nullable=False),
    sa.Column('place_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('viewing', sa.Text(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("place_kind IN ('room', 'premises')", name=op.f('ck_sales_place_kind')),
    sa.CheckConstraint("status IN ('draft', 'announced', 'live', 'closed', 'settled')", name=op.f('ck_sales_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales')),
    sa.UniqueConstraint('reference', name=op.f('uq_sales_reference'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('officer', 'clerk', 'bidder')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('bidders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bidders_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bidders')),
    sa.UniqueConstraint('user_id', name=op.f('uq_bidders_user_id'))
    )
    op.create_table('creditors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('is_private_person', sa.Boolean(), nullable=False),
    sa.Column('represented_by', sa.String(length=200), nullable=False),
    sa.CheckConstraint("role IN ('seizing', 'opposing')", name=op.f('ck_creditors_role')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_creditors_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creditors'))
    )
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_creditors_case_id'), ['case_id'], unique=False)

    op.create_table('lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('number_suffix', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('estimate_low_cents', sa.BigInteger(), nullable=False),
    sa.Column('estimate_high_cents', sa.BigInteger(), nullable=False),
    sa.Column('opening_bid_cents', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.CheckConstraint("status IN ('listed', 'withdrawn')", name=op.f('ck_lots_status')),
    sa.CheckConstraint('0 <= estimate_low_cents AND estimate_low_cents <= estimate_high_cents', name=op.f('ck_lots_estimate_range')),
    sa.CheckConstraint('opening_bid_cents >= 0', name=op.f('ck_lots_opening_bid_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_lots_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_lots_sale_id_sales'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lots')),
    sa.UniqueConstraint('sale_id', 'number', 'number_suffix', name=op.f('uq_lots_sale_id_number_number_suffix'))
    )
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lots_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lots_sale_id'), ['sale_id'], unique=False)

    op.create_table('office',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('client_account_iban', sa.String(length=34), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_office_officer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office'))
    )
    op.create_table('tariff_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('term_ends', sa.Date(), nullable=True),
    sa.Column('buyer_fee_rate', sa.Numeric(precision=8, scale=6), nullable=False),
    sa.Column('seller_fee_rate', sa.Numeric(precision=8, scale=6), nullable=False),
    sa.Column('seller_fee_minimum_cents', sa.BigInteger(), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=8, scale=6), nullable=False),
    sa.Column('withdrawn_lot_divisor', sa.Integer(), nullable=False),
    sa.Column('vacation_half_hour_cents', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tariff_periods_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_periods')),
    sa.UniqueConstraint('effective_from', name=op.f('uq_tariff_periods_effective_from'))
    )
    op.create_table('user_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('principal_cents', sa.BigInteger(), nullable=False),
    sa.Column('interest_cents', sa.BigInteger(), nullable=False),
    sa.Column('costs_cents', sa.BigInteger(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.CheckConstraint('principal_cents >= 0 AND interest_cents >= 0 AND costs_cents >= 0', name=op.f('ck_claims_amounts_not_negative')),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_claims_creditor_id_creditors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_creditor_id'), ['creditor_id'], unique=False)

    op.create_table('lot_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('alt_text', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_photos_lot_id_lots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_photos'))
    )
    with op.batch_alter_table('lot_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_photos_lot_id'), ['lot_id'], unique=False)

    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('bidder_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('paddle_number', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel IN ('room', 'online')", name=op.f('ck_registrations_channel')),
    sa.ForeignKeyConstraint(['bidder_id'], ['bidders.id'], name=op.f('fk_registrations_bidder_id_bidders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_registrations_sale_id_sales'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_registrations_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('sale_id', 'bidder_id', name=op.f('uq_registrations_sale_id_bidder_id')),
    sa.UniqueConstraint('sale_id', 'paddle_number', name=op.f('uq_registrations_sale_id_paddle_number'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_bidder_id'), ['bidder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_sale_id'), ['sale_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_sale_id'))
        batch_op.drop_index(batch_op.f('ix_registrations_bidder_id'))

    op.drop_table('registrations')
    with op.batch_alter_table('lot_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_photos_lot_id'))

    op.drop_table('lot_photos')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_creditor_id'))

    op.drop_table('claims')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    op.drop_table('tariff_periods')
    op.drop_table('office')
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lots_sale_id'))
        batch_op.drop_index(batch_op.f('ix_lots_case_id'))

    op.drop_table('lots')
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creditors_case_id'))

    op.drop_table('creditors')
    op.drop_table('bidders')
    op.drop_table('users')
    op.drop_table('sales')
    op.drop_table('cases')

