"""online bid refusals

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03

The record of the online bids that arrived and were refused (too late, outbid, rate-limited…), with
their arrival time: the bid log keeps the accepted bids, this record the others, for the evidence
file. Append-only like the bid log (0002) and the audit log (0009): the database refuses to change
or delete a row.
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

TABLE = 'online_bid_refusals'


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('paddle', sa.Integer(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('expected_bid_seq', sa.Integer(), nullable=True),
    sa.Column('log_seq', sa.Integer(), nullable=False),
    sa.Column('command_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_online_bid_refusals_sale_id_sales'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_online_bid_refusals_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_bid_refusals'))
    )
    op.create_index('ix_online_bid_refusals_sale_id_lot_id', TABLE, ['sale_id', 'lot_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{TABLE} is append-only'; END $$
        """)
        op.execute(f"""
            CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()
        """)
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END
            """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION {TABLE}_append_only()")
    op.drop_index('ix_online_bid_refusals_sale_id_lot_id', table_name=TABLE)
    op.drop_table(TABLE)
