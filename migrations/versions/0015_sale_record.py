"""sale record

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

What is kept of the sale record (procès-verbal de vente, derived from the bid log): each closed
session's seal (the log's head and the rendered PDF's digest), its signatures, the certified copies
and extracts delivered with their fee, and the office's register numbers. All append-only, like the
bid log (0002). A lot withdrawn before the sale gets its reason (the record states it, R444-47).
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

APPEND_ONLY = ("record_seals", "record_signatures", "record_copies", "register_entries")


def upgrade() -> None:
    with op.batch_alter_table('lots') as batch:
        batch.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
    op.execute("UPDATE lots SET withdrawal_reason = ''")
    with op.batch_alter_table('lots') as batch:
        batch.alter_column('withdrawal_reason', existing_type=sa.Text(), nullable=False)
    op.create_table('record_seals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('session', sa.Integer(), nullable=False),
    sa.Column('head_seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_pages', sa.Integer(), nullable=False),
    sa.Column('pdf_path', sa.String(length=200), nullable=False),
    sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_record_seals_sale_id_sales'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_seals')),
    sa.UniqueConstraint('sale_id', 'session', name=op.f('uq_record_seals_sale_id_session'))
    )
    op.create_index(op.f('ix_record_seals_sale_id'), 'record_seals', ['sale_id'], unique=False)
    op.create_table('record_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('session', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scan_path', sa.String(length=200), nullable=True),
    sa.Column('scan_content_type', sa.String(length=40), nullable=True),
    sa.Column('scan_sha256', sa.String(length=64), nullable=True),
    sa.CheckConstraint("kind IN ('signed', 'scan')", name=op.f('ck_record_signatures_kind')),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_record_signatures_sale_id_sales'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_record_signatures_signed_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_signatures'))
    )
    op.create_index(op.f('ix_record_signatures_sale_id'), 'record_signatures', ['sale_id'], unique=False)
    op.create_table('record_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('fee_per_page_cents', sa.BigInteger(), nullable=False),
    sa.Column('fee_cents', sa.BigInteger(), nullable=False),
    sa.Column('tariff_reference', sa.Text(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("scope IN ('whole', 'lot', 'buyer')", name=op.f('ck_record_copies_scope')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_record_copies_lot_id_lots'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_record_copies_made_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_record_copies_registration_id_registrations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_record_copies_sale_id_sales'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_copies'))
    )
    op.create_index(op.f('ix_record_copies_sale_id'), 'record_copies', ['sale_id'], unique=False)
    op.create_table('register_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_register_entries_sale_id_sales'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entries')),
    sa.UniqueConstraint('sale_id', name=op.f('uq_register_entries_sale_id')),
    sa.UniqueConstraint('year', 'number', name=op.f('uq_register_entries_year_number'))
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("""
            CREATE FUNCTION sale_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
        """)
    for table in APPEND_ONLY:
        if postgresql:
            op.execute(f"""
                CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION sale_record_append_only()
            """)
        else:
            for action in ("UPDATE", "DELETE"):
                op.execute(f"""
                    CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
                """)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        else:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
    if postgresql:
        op.execute("DROP FUNCTION sale_record_append_only()")
    op.drop_table('register_entries')
    op.drop_index(op.f('ix_record_copies_sale_id'), table_name='record_copies')
    op.drop_table('record_copies')
    op.drop_index(op.f('ix_record_signatures_sale_id'), table_name='record_signatures')
    op.drop_table('record_signatures')
    op.drop_index(op.f('ix_record_seals_sale_id'), table_name='record_seals')
    op.drop_table('record_seals')
    with op.batch_alter_table('lots') as batch:
        batch.drop_column('withdrawal_reason')
