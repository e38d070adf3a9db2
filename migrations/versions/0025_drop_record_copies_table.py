"""drop the unused record_copies table

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04

0015 made a table for the certified copies and extracts of the sale record (A444-6); the feature
that came after it (the copies' page) records each copy in the sale's settlement log instead
(`record_copy_issued`, auction/domain/record_copies.py), where the distribution finds its fee for a
case's costs statement. Nothing ever wrote to the table: it goes, so that a copy has one record
only. Its append-only triggers go with it; the trigger function stays for the other tables of 0015.
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

TABLE = 'record_copies'


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
    else:
        op.execute(f"DROP TRIGGER {TABLE}_no_update")
        op.execute(f"DROP TRIGGER {TABLE}_no_delete")
    op.drop_index(op.f('ix_record_copies_sale_id'), table_name=TABLE)
    op.drop_table(TABLE)


def downgrade() -> None:
    op.create_table(TABLE,
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
    op.create_index(op.f('ix_record_copies_sale_id'), TABLE, ['sale_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION sale_record_append_only()
        """)
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END
            """)
