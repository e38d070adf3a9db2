"""screen connections

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04

The record of the screens connected to a sale's room (the staff's tablets, the room display, the
online bidders by paddle, the public viewers): one row per socket accepted and per socket closed,
with the server process and the time; no name, no IP address. A companion record of the bid log for
the evidence file, outside its hash chain. Append-only like the record of refusals (0023): the
database refuses to change or delete a row.
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

TABLE = 'screen_connections'


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('host', sa.String(length=64), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('connection', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('paddle', sa.Integer(), nullable=True),
    sa.Column('lost', sa.Integer(), nullable=False),
    sa.Column('lost_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_screen_connections_sale_id_sales'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_screen_connections_user_id_users'), ondelete='RESTRICT'),
    sa.CheckConstraint("kind IN ('connect', 'disconnect', 'lost')", name=op.f('ck_screen_connections_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screen_connections'))
    )
    op.create_index('ix_screen_connections_sale_id_at', TABLE, ['sale_id', 'at'], unique=False)
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
    op.drop_index('ix_screen_connections_sale_id_at', table_name=TABLE)
    op.drop_table(TABLE)
