"""the bidder a contest comes from

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06

A contest from a bidder or a buyer of the sale names them by their paddle, recorded as the bidder it
belongs to: their right of access (the bidder's export of their personal data) then includes their
contests, the documents received with them and who downloaded those. Contestants who are not bidders
of the office (the debtor, a creditor) have none. On SQLite the column is added in place (ALTER TABLE
… ADD COLUMN … REFERENCES): rebuilding it would drop it from under the rows that point to it. No ON
DELETE clause, which SQLite would not read back from such a column: deleting a bidder a contest names
is refused either way.
"""
import sqlalchemy as sa
from alembic import op


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

FK = 'fk_contests_bidder_id_bidders'
INDEX = 'ix_contests_bidder_id'


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column('contests', sa.Column('bidder_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK, 'contests', 'bidders', ['bidder_id'], ['id'])
    else:
        op.execute(f"ALTER TABLE contests ADD COLUMN bidder_id INTEGER CONSTRAINT {FK} REFERENCES bidders (id)")
    op.create_index(INDEX, 'contests', ['bidder_id'], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name='contests')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(FK, 'contests', type_='foreignkey')
        op.drop_column('contests', 'bidder_id')
        return
    # SQLite drops no column a foreign key names: the table is rebuilt, and its append-only triggers
    # (0022) made again.
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_column('bidder_id')
    for action in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS contests_no_{action.lower()}")
        op.execute(f"""
            CREATE TRIGGER contests_no_{action.lower()} BEFORE {action} ON contests
            BEGIN SELECT RAISE(ABORT, 'contests is append-only'); END
        """)
