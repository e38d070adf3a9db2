"""bid log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sale_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('command_id', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_sale_events_sale_id_sales'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sale_events_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_events')),
    sa.UniqueConstraint('sale_id', 'command_id', name=op.f('uq_sale_events_sale_id_command_id')),
    sa.UniqueConstraint('sale_id', 'seq', name=op.f('uq_sale_events_sale_id_seq'))
    )
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.add_column(sa.Column('increments', sa.JSON(), nullable=True))

    # The log is append-only: the database itself refuses to change or delete an event.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION sale_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'sale_events is append-only'; END $$
        """)
        op.execute("""
            CREATE TRIGGER sale_events_append_only BEFORE UPDATE OR DELETE ON sale_events
            FOR EACH ROW EXECUTE FUNCTION sale_events_append_only()
        """)
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER sale_events_no_{action.lower()} BEFORE {action} ON sale_events
                BEGIN SELECT RAISE(ABORT, 'sale_events is append-only'); END
            """)



def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER sale_events_append_only ON sale_events")
        op.execute("DROP FUNCTION sale_events_append_only()")
    else:
        op.execute("DROP TRIGGER sale_events_no_update")
        op.execute("DROP TRIGGER sale_events_no_delete")
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_column('increments')

    op.drop_table('sale_events')
