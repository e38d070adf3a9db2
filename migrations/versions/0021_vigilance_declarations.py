"""vigilance thresholds and decisions, declaration terms and declarations sent

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03

The office's dated anti-money-laundering thresholds and the officer's decisions on the buyers the
checkout flags (auction/domain/vigilance.py); the office's dated delay for the quarterly declaration
to the chamber and each declaration sent, its PDF and CSV frozen with their SHA-256
(auction/domain/declarations.py). All four append-only, like the audit log (0009).
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

APPEND_ONLY = ("vigilance_thresholds", "vigilance_decisions", "declaration_terms", "declarations_sent")


def upgrade() -> None:
    op.create_table('vigilance_thresholds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('cash_share_percent', sa.Integer(), nullable=False),
    sa.Column('cash_payments_count', sa.Integer(), nullable=False),
    sa.Column('cash_window_days', sa.Integer(), nullable=False),
    sa.Column('estimate_ratio_percent', sa.Integer(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_vigilance_thresholds_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vigilance_thresholds')),
    sa.UniqueConstraint('effective_from', name=op.f('uq_vigilance_thresholds_effective_from'))
    )
    op.create_table('vigilance_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('paddle', sa.Integer(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=True),
    sa.Column('declaration_reference', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("decision IN ('no_action', 'enhanced_checks', 'suspicion_declared')", name=op.f('ck_vigilance_decisions_decision')),
    sa.CheckConstraint("decision <> 'suspicion_declared' OR (declared_on IS NOT NULL AND declaration_reference <> '')", name=op.f('ck_vigilance_decisions_suspicion_has_date_and_reference')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_vigilance_decisions_decided_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_vigilance_decisions_registration_id_registrations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_vigilance_decisions_sale_id_sales'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vigilance_decisions'))
    )
    op.create_index('ix_vigilance_decisions_sale_id_paddle', 'vigilance_decisions', ['sale_id', 'paddle'], unique=False)
    op.create_table('declaration_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('days_after_quarter', sa.Integer(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_declaration_terms_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_terms')),
    sa.UniqueConstraint('effective_from', name=op.f('uq_declaration_terms_effective_from'))
    )
    op.create_table('declarations_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('means', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('csv', sa.LargeBinary(), nullable=False),
    sa.Column('csv_sha256', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_declarations_sent_recorded_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations_sent')),
    sa.UniqueConstraint('year', 'quarter', name=op.f('uq_declarations_sent_year_quarter'))
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("""
            CREATE FUNCTION vigilance_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
        """)
    for table in APPEND_ONLY:
        if postgresql:
            op.execute(f"""
                CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION vigilance_append_only()
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
        op.execute("DROP FUNCTION vigilance_append_only()")
    op.drop_table('declarations_sent')
    op.drop_table('declaration_terms')
    op.drop_index('ix_vigilance_decisions_sale_id_paddle', table_name='vigilance_decisions')
    op.drop_table('vigilance_decisions')
    op.drop_table('vigilance_thresholds')
