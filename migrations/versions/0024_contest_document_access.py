"""contest documents' downloads in the personal-data access log

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04

The documents received with a contest (a contestant's letter, an identity document, a bank
statement…) are personal data: the staff's download of one is logged, as the look at an identity
scan is, with the contest it belongs to (contestants are not always bidders of the office).
On SQLite the table is rebuilt to change its check constraint, which drops its append-only
triggers (0019): they are made again.
"""
import sqlalchemy as sa
from alembic import op


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

TABLE = 'personal_data_access_log'
ACTIONS = "'view_scan', 'export', 'purge_scan'"


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
        batch_op.add_column(sa.Column('contest_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f(f'fk_{TABLE}_contest_id_contests'), 'contests', ['contest_id'], ['id'],
                                    ondelete='RESTRICT')
        batch_op.drop_constraint(op.f(f'ck_{TABLE}_action'), type_='check')
        batch_op.create_check_constraint(op.f(f'ck_{TABLE}_action'),
                                         f"action IN ({ACTIONS}, 'view_contest_document')")
        batch_op.create_index(f'ix_{TABLE}_contest_id', ['contest_id'], unique=False)
    _sqlite_triggers()


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(f'ix_{TABLE}_contest_id')
        batch_op.drop_constraint(op.f(f'ck_{TABLE}_action'), type_='check')
        batch_op.create_check_constraint(op.f(f'ck_{TABLE}_action'), f"action IN ({ACTIONS})")
        batch_op.drop_constraint(op.f(f'fk_{TABLE}_contest_id_contests'), type_='foreignkey')
        batch_op.drop_column('contest_id')
    _sqlite_triggers()
