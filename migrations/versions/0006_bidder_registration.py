"""bidder registration: identity, documents and scans, checks, absentee orders and phone bids,
per-sale paddle ranges and solvency rule, barred persons, the personal-data access log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from auction.domain.identity import name_key


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('barred_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_barred_persons_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_barred_persons_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barred_persons'))
    )
    with op.batch_alter_table('barred_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_barred_persons_case_id'), ['case_id'], unique=False)

    op.create_table('registration_rules',
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('room_first', sa.Integer(), nullable=False),
    sa.Column('room_last', sa.Integer(), nullable=False),
    sa.Column('online_first', sa.Integer(), nullable=False),
    sa.Column('online_last', sa.Integer(), nullable=False),
    sa.Column('solvency_rule', sa.String(length=20), nullable=False),
    sa.Column('deposit_minimum_cents', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("solvency_rule IN ('none', 'any', 'deposit', 'bank_letter', 'card_preauth')", name=op.f('ck_registration_rules_solvency_rule')),
    sa.CheckConstraint('deposit_minimum_cents >= 0', name=op.f('ck_registration_rules_deposit_minimum_not_negative')),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_registration_rules_sale_id_sales'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_registration_rules_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('sale_id', name=op.f('pk_registration_rules'))
    )
    op.create_table('bid_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('max_amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind <> 'absentee' OR max_amount_cents > 0", name=op.f('ck_bid_requests_absentee_has_maximum')),
    sa.CheckConstraint("kind <> 'phone' OR phone <> ''", name=op.f('ck_bid_requests_phone_has_number')),
    sa.CheckConstraint("kind IN ('absentee', 'phone')", name=op.f('ck_bid_requests_kind')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_bid_requests_lot_id_lots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_bid_requests_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_requests')),
    sa.UniqueConstraint('registration_id', 'lot_id', name=op.f('uq_bid_requests_registration_id_lot_id'))
    )
    with op.batch_alter_table('bid_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_requests_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bid_requests_registration_id'), ['registration_id'], unique=False)

    op.create_table('personal_data_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('bidder_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.CheckConstraint("action IN ('view_scan', 'export', 'purge_scan')", name=op.f('ck_personal_data_access_log_action')),
    sa.ForeignKeyConstraint(['bidder_id'], ['bidders.id'], name=op.f('fk_personal_data_access_log_bidder_id_bidders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_personal_data_access_log_registration_id_registrations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_personal_data_access_log_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_access_log'))
    )
    with op.batch_alter_table('personal_data_access_log', schema=None) as batch_op:
        batch_op.create_index('ix_personal_data_access_log_registration_id_at', ['registration_id', 'at'], unique=False)

    op.create_table('registration_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('identity', 'age', 'names', 'solvency', 'not_barred', 'duplicates')", name=op.f('ck_registration_checks_kind')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_registration_checks_checked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_checks_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_checks'))
    )
    with op.batch_alter_table('registration_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_checks_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('bidders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nationality', sa.String(length=2), server_default='FR', nullable=False))
        batch_op.add_column(sa.Column('tax_residence', sa.String(length=10), server_default='france', nullable=False))
        batch_op.add_column(sa.Column('buyer_type', sa.String(length=10), server_default='person', nullable=False))
        batch_op.add_column(sa.Column('company_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('company_number', sa.String(length=14), server_default='', nullable=False))
        batch_op.add_column(sa.Column('representative_capacity', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('blocked_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_bidders_search_name'), ['search_name'], unique=False)
        batch_op.create_check_constraint(op.f('ck_bidders_tax_residence'), "tax_residence IN ('france', 'abroad')")
        batch_op.create_check_constraint(op.f('ck_bidders_buyer_type'), "buyer_type IN ('person', 'company')")

    # Existing bidders get their search name (the app keeps it up to date from now on).
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, first_name, last_name FROM bidders")).all()
    if rows:
        conn.execute(sa.text("UPDATE bidders SET search_name = :name WHERE id = :id"),
                     [{"id": id_, "name": name_key(first, last)} for id_, first, last in rows])

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_via', sa.String(length=10), server_default='desk', nullable=False))
        batch_op.add_column(sa.Column('conditions_accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('document_type', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('document_number', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('document_expires_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('document_country', sa.String(length=2), server_default='', nullable=False))
        batch_op.add_column(sa.Column('document_seen', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('document_first_names', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('document_last_name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('scan_path', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('scan_content_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('scan_uploaded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('scan_deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('solvency_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('solvency_amount_cents', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('solvency_method', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('solvency_reference', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_check_constraint(op.f('ck_registrations_registered_via'), "registered_via IN ('web', 'desk')")
        batch_op.create_check_constraint(op.f('ck_registrations_paddle_needs_verification'),
                                         '(paddle_number IS NULL) OR (verified_at IS NOT NULL)')
        batch_op.create_check_constraint(
            op.f('ck_registrations_solvency_kind'), "solvency_kind IS NULL OR solvency_kind IN ('deposit', 'bank_letter', 'card_preauth')")

    # Empty-string defaults only filled the existing rows: the app always gives these columns a value.
    with op.batch_alter_table('bidders', schema=None) as batch_op:
        batch_op.alter_column('company_name', server_default=None)
        batch_op.alter_column('company_number', server_default=None)
        batch_op.alter_column('representative_capacity', server_default=None)
        batch_op.alter_column('blocked_reason', server_default=None)
        batch_op.alter_column('search_name', server_default=None)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('document_type', server_default=None)
        batch_op.alter_column('document_number', server_default=None)
        batch_op.alter_column('document_country', server_default=None)
        batch_op.alter_column('document_first_names', server_default=None)
        batch_op.alter_column('document_last_name', server_default=None)
        batch_op.alter_column('solvency_reference', server_default=None)

    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_column('settled_at')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registrations_solvency_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_registrations_paddle_needs_verification'), type_='check')
        batch_op.drop_constraint(op.f('ck_registrations_registered_via'), type_='check')
        batch_op.drop_column('solvency_reference')
        batch_op.drop_column('solvency_method')
        batch_op.drop_column('solvency_amount_cents')
        batch_op.drop_column('solvency_kind')
        batch_op.drop_column('scan_deleted_at')
        batch_op.drop_column('scan_uploaded_at')
        batch_op.drop_column('scan_content_type')
        batch_op.drop_column('scan_path')
        batch_op.drop_column('document_last_name')
        batch_op.drop_column('document_first_names')
        batch_op.drop_column('document_seen')
        batch_op.drop_column('document_country')
        batch_op.drop_column('document_expires_on')
        batch_op.drop_column('document_number')
        batch_op.drop_column('document_type')
        batch_op.drop_column('conditions_accepted_at')
        batch_op.drop_column('registered_via')

    with op.batch_alter_table('bidders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_bidders_buyer_type'), type_='check')
        batch_op.drop_constraint(op.f('ck_bidders_tax_residence'), type_='check')
        batch_op.drop_index(batch_op.f('ix_bidders_search_name'))
        batch_op.drop_column('search_name')
        batch_op.drop_column('blocked_reason')
        batch_op.drop_column('blocked_at')
        batch_op.drop_column('email_confirmed_at')
        batch_op.drop_column('representative_capacity')
        batch_op.drop_column('company_number')
        batch_op.drop_column('company_name')
        batch_op.drop_column('buyer_type')
        batch_op.drop_column('tax_residence')
        batch_op.drop_column('nationality')

    with op.batch_alter_table('registration_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_checks_registration_id'))

    op.drop_table('registration_checks')
    with op.batch_alter_table('personal_data_access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_personal_data_access_log_registration_id_at')

    op.drop_table('personal_data_access_log')
    with op.batch_alter_table('bid_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_requests_registration_id'))
        batch_op.drop_index(batch_op.f('ix_bid_requests_lot_id'))

    op.drop_table('bid_requests')
    op.drop_table('registration_rules')
    with op.batch_alter_table('barred_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_barred_persons_case_id'))

    op.drop_table('barred_persons')
