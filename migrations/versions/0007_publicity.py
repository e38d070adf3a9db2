"""publicity of a sale: notices, publication acts, debtors' notices, the officer's overrides, the audit
log; the seizure act's notification date and amicable-sale offers on cases; the sale's goods summary

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('amicable_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('offeror', sa.String(length=200), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_amicable_offers_amount_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_amicable_offers_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amicable_offers'))
    )
    with op.batch_alter_table('amicable_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amicable_offers_case_id'), ['case_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_audit_log_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_audit_log_sale_id_sales'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_log_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_case_id_at', ['case_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_sale_id_at', ['sale_id', 'at'], unique=False)

    op.create_table('sale_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place_kind', sa.String(length=20), nullable=False),
    sa.Column('place_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('viewing', sa.Text(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('goods_summary', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_sale_notices_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_sale_notices_sale_id_sales'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_notices')),
    sa.UniqueConstraint('sale_id', 'version', name=op.f('uq_sale_notices_sale_id_version'))
    )
    with op.batch_alter_table('sale_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_notices_sale_id'), ['sale_id'], unique=False)

    op.create_table('debtor_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('told_on', sa.Date(), nullable=False),
    sa.Column('means', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('proof_path', sa.String(length=300), nullable=True),
    sa.Column('proof_content_type', sa.String(length=50), nullable=True),
    sa.Column('proof_sha256', sa.String(length=64), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("means IN ('served_act', 'registered_letter', 'hand_delivery')", name=op.f('ck_debtor_notices_means')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_debtor_notices_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['notice_id'], ['sale_notices.id'], name=op.f('fk_debtor_notices_notice_id_sale_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_debtor_notices_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_debtor_notices_sale_id_sales'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debtor_notices'))
    )
    with op.batch_alter_table('debtor_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debtor_notices_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_debtor_notices_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_debtor_notices_sale_id'), ['sale_id'], unique=False)

    op.create_table('offer_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_offer_letters_creditor_id_creditors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['amicable_offers.id'], name=op.f('fk_offer_letters_offer_id_amicable_offers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_letters')),
    sa.UniqueConstraint('offer_id', 'creditor_id', name=op.f('uq_offer_letters_offer_id_creditor_id'))
    )
    with op.batch_alter_table('offer_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_letters_creditor_id'), ['creditor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_letters_offer_id'), ['offer_id'], unique=False)

    op.create_table('publication_acts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('commune_postcode', sa.String(length=10), nullable=False),
    sa.Column('commune_city', sa.String(length=100), nullable=False),
    sa.Column('proof_path', sa.String(length=300), nullable=True),
    sa.Column('proof_content_type', sa.String(length=50), nullable=True),
    sa.Column('proof_sha256', sa.String(length=64), nullable=True),
    sa.Column('system_record', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('poster_town_hall', 'poster_sale_place', 'press', 'web')", name=op.f('ck_publication_acts_kind')),
    sa.CheckConstraint("proof_path IS NOT NULL OR system_record <> ''", name=op.f('ck_publication_acts_has_proof')),
    sa.ForeignKeyConstraint(['notice_id'], ['sale_notices.id'], name=op.f('fk_publication_acts_notice_id_sale_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_publication_acts_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_publication_acts_sale_id_sales'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_acts'))
    )
    with op.batch_alter_table('publication_acts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_acts_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_acts_sale_id'), ['sale_id'], unique=False)

    op.create_table('publicity_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('check_key', sa.String(length=150), nullable=False),
    sa.Column('article', sa.String(length=100), nullable=False),
    sa.Column('check_message', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['sale_notices.id'], name=op.f('fk_publicity_overrides_notice_id_sale_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_publicity_overrides_officer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicity_overrides')),
    sa.UniqueConstraint('notice_id', 'check_key', name=op.f('uq_publicity_overrides_notice_id_check_key'))
    )
    with op.batch_alter_table('publicity_overrides', schema=None) as batch_op:
        batch_op.create_index('ix_publicity_overrides_notice_id', ['notice_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seizure_notified_on', sa.Date(), nullable=True))

    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goods_summary', sa.Text(), nullable=True))
    op.execute("UPDATE sales SET goods_summary = ''")   # empty: drawn from the lots until the clerk writes one
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.alter_column('goods_summary', existing_type=sa.Text(), nullable=False)



def downgrade() -> None:
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_column('goods_summary')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('seizure_notified_on')

    with op.batch_alter_table('publicity_overrides', schema=None) as batch_op:
        batch_op.drop_index('ix_publicity_overrides_notice_id')

    op.drop_table('publicity_overrides')
    with op.batch_alter_table('publication_acts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_acts_sale_id'))
        batch_op.drop_index(batch_op.f('ix_publication_acts_notice_id'))

    op.drop_table('publication_acts')
    with op.batch_alter_table('offer_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_letters_offer_id'))
        batch_op.drop_index(batch_op.f('ix_offer_letters_creditor_id'))

    op.drop_table('offer_letters')
    with op.batch_alter_table('debtor_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debtor_notices_sale_id'))
        batch_op.drop_index(batch_op.f('ix_debtor_notices_notice_id'))
        batch_op.drop_index(batch_op.f('ix_debtor_notices_case_id'))

    op.drop_table('debtor_notices')
    with op.batch_alter_table('sale_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sale_notices_sale_id'))

    op.drop_table('sale_notices')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_sale_id_at')
        batch_op.drop_index('ix_audit_log_case_id_at')

    op.drop_table('audit_log')
    with op.batch_alter_table('amicable_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amicable_offers_case_id'))

    op.drop_table('amicable_offers')
