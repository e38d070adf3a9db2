"""screen connections closed at a server's restart

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06

A server process killed (a crash, the machine's power) never writes the close of the screens it had:
their connections would stay open in the record for good. A process starting now writes a `restart`
row for each connection of a process of its host that is gone, at the moment it starts: the latest
the connection can have ended, its exact end unknown (auction.services.screens.close_stopped). The
index on (host, pid) finds those connections at start-up. On SQLite the table is rebuilt to change
its check constraint, which drops its append-only triggers (0026): they are made again.
"""
from alembic import op


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

TABLE = 'screen_connections'
INDEX = 'ix_screen_connections_host_pid'


def _sqlite_triggers() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{action.lower()}")
            op.execute(f"""
                CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END
            """)


def upgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{TABLE}_kind'), type_='check')
        batch_op.create_check_constraint(op.f(f'ck_{TABLE}_kind'),
                                         "kind IN ('connect', 'disconnect', 'lost', 'restart')")
        batch_op.create_index(INDEX, ['host', 'pid'], unique=False)
    _sqlite_triggers()


def downgrade() -> None:
    # A database that recorded restarts cannot go back: the old constraint would refuse its rows.
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.drop_constraint(op.f(f'ck_{TABLE}_kind'), type_='check')
        batch_op.create_check_constraint(op.f(f'ck_{TABLE}_kind'), "kind IN ('connect', 'disconnect', 'lost')")
    _sqlite_triggers()
