"""the claims register: contests, their lots, steps, documents, and the office's delays

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03

Every table is append-only, like the audit log (0009): the database refuses to change or delete a
row. A contest's status is a new step row; a delay changed from a date is a new, later row.
"""
import sqlalchemy as sa
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

CONTESTANTS = "'bidder', 'buyer', 'debtor', 'creditor'"
SUBJECTS = "'lots', 'sale', 'distribution'"
STEPS = "'received', 'evidence_sent', 'answered', 'referred', 'closed'"
TABLES = ('contests', 'contest_lots', 'contest_steps', 'contest_documents', 'contest_delays')


def upgrade() -> None:
    op.create_table(
        'contests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sale_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('contestant_kind', sa.String(length=20), nullable=False),
        sa.Column('contestant_name', sa.String(length=200), nullable=False),
        sa.Column('contestant_contact', sa.Text(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('means', sa.String(length=100), nullable=False),
        sa.Column('grounds', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"subject IN ({SUBJECTS})", name=op.f('ck_contests_subject')),
        sa.CheckConstraint(f"contestant_kind IN ({CONTESTANTS})", name=op.f('ck_contests_contestant_kind')),
        sa.CheckConstraint("subject <> 'distribution' OR case_id IS NOT NULL",
                           name=op.f('ck_contests_distribution_case')),
        sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_contests_sale_id_sales'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_contests_case_id_cases'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_contests_recorded_by_id_users'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contests')),
    )
    op.create_index(op.f('ix_contests_sale_id'), 'contests', ['sale_id'], unique=False)
    op.create_table(
        'contest_lots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_lots_contest_id_contests'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_contest_lots_lot_id_lots'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_lots')),
        sa.UniqueConstraint('contest_id', 'lot_id', name=op.f('uq_contest_lots_contest_id_lot_id')),
    )
    op.create_index(op.f('ix_contest_lots_contest_id'), 'contest_lots', ['contest_id'], unique=False)
    op.create_table(
        'contest_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=20), nullable=False),
        sa.Column('taken_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"step IN ({STEPS})", name=op.f('ck_contest_steps_step')),
        sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_steps_contest_id_contests'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_contest_steps_author_id_users'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_steps')),
        sa.UniqueConstraint('contest_id', 'step', name=op.f('uq_contest_steps_contest_id_step')),
    )
    op.create_index(op.f('ix_contest_steps_contest_id'), 'contest_steps', ['contest_id'], unique=False)
    op.create_table(
        'contest_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('path', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contest_id'], ['contests.id'],
                                name=op.f('fk_contest_documents_contest_id_contests'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_contest_documents_added_by_id_users'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_documents')),
    )
    op.create_index(op.f('ix_contest_documents_contest_id'), 'contest_documents', ['contest_id'], unique=False)
    op.create_table(
        'contest_delays',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=False),
        sa.Column('step', sa.String(length=20), nullable=False),
        sa.Column('counted_from', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(length=10), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('reference', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"subject IN ({SUBJECTS})", name=op.f('ck_contest_delays_subject')),
        sa.CheckConstraint(f"step IN ({STEPS})", name=op.f('ck_contest_delays_step')),
        sa.CheckConstraint(f"counted_from IN ({STEPS})", name=op.f('ck_contest_delays_counted_from')),
        sa.CheckConstraint("unit IN ('days', 'months')", name=op.f('ck_contest_delays_unit')),
        sa.CheckConstraint("amount > 0", name=op.f('ck_contest_delays_amount')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_contest_delays_created_by_id_users'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_delays')),
        sa.UniqueConstraint('subject', 'step', 'effective_from',
                            name=op.f('uq_contest_delays_subject_step_effective_from')),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION contests_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
        """)
        for table in TABLES:
            op.execute(f"""
                CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION contests_append_only()
            """)
    else:
        for table in TABLES:
            for action in ("UPDATE", "DELETE"):
                op.execute(f"""
                    CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
                """)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        else:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
    if postgresql:
        op.execute("DROP FUNCTION contests_append_only()")
    for table in reversed(TABLES):
        op.drop_table(table)
