"""settlement log

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

The second log of a sale (after the hammer), append-only like the bid log (0002), and the office's
gapless number series (invoices, the register of records).
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settlement_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('command_id', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_settlement_events_sale_id_sales'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_settlement_events_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_events')),
    sa.UniqueConstraint('sale_id', 'command_id', name=op.f('uq_settlement_events_sale_id_command_id')),
    sa.UniqueConstraint('sale_id', 'seq', name=op.f('uq_settlement_events_sale_id_seq'))
    )
    op.create_table('number_series',
    sa.Column('series', sa.String(length=60), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', name=op.f('pk_number_series'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION settlement_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'settlement_events is append-only'; END $$
        """)
        op.execute("""
            CREATE TRIGGER settlement_events_append_only BEFORE UPDATE OR DELETE ON settlement_events
            FOR EACH ROW EXECUTE FUNCTION settlement_events_append_only()
        """)
        # A number once given is never taken back or lowered (only a rolled-back transaction returns it).
        op.execute("""
            CREATE FUNCTION number_series_only_forward() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' OR NEW.last_number <> OLD.last_number + 1 OR NEW.series <> OLD.series THEN
                RAISE EXCEPTION 'number_series only moves forward by one';
              END IF;
              RETURN NEW;
            END $$
        """)
        op.execute("""
            CREATE TRIGGER number_series_only_forward BEFORE UPDATE OR DELETE ON number_series
            FOR EACH ROW EXECUTE FUNCTION number_series_only_forward()
        """)
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER settlement_events_no_{action.lower()} BEFORE {action} ON settlement_events
                BEGIN SELECT RAISE(ABORT, 'settlement_events is append-only'); END
            """)
        op.execute("""
            CREATE TRIGGER number_series_only_forward BEFORE UPDATE ON number_series
            WHEN NEW.last_number <> OLD.last_number + 1 OR NEW.series <> OLD.series
            BEGIN SELECT RAISE(ABORT, 'number_series only moves forward by one'); END
        """)
        op.execute("""
            CREATE TRIGGER number_series_no_delete BEFORE DELETE ON number_series
            BEGIN SELECT RAISE(ABORT, 'number_series only moves forward by one'); END
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER settlement_events_append_only ON settlement_events")
        op.execute("DROP FUNCTION settlement_events_append_only()")
        op.execute("DROP TRIGGER number_series_only_forward ON number_series")
        op.execute("DROP FUNCTION number_series_only_forward()")
    else:
        op.execute("DROP TRIGGER settlement_events_no_update")
        op.execute("DROP TRIGGER settlement_events_no_delete")
        op.execute("DROP TRIGGER number_series_only_forward")
        op.execute("DROP TRIGGER number_series_no_delete")
    op.drop_table('number_series')
    op.drop_table('settlement_events')
