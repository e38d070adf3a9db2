"""personal-data access log append-only

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02

Like the audit log (0009): the database refuses to change or delete an entry of the log of who saw
which identity scan or exported whose data, and its foreign keys RESTRICT instead of SET NULL
(deleting a user, a bidder or a registration would rewrite the entries naming them). A registration
whose personal data was seen is kept: cancelling it is refused (auction.services.registration).
"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

TABLE = 'personal_data_access_log'
REFERENCES = (('user_id', 'users'), ('bidder_id', 'bidders'), ('registration_id', 'registrations'))


def _foreign_keys(ondelete: str) -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for column, table in REFERENCES:
            name = f'fk_{TABLE}_{column}_{table}'
            batch_op.drop_constraint(name, type_='foreignkey')
            batch_op.create_foreign_key(name, table, [column], ['id'], ondelete=ondelete)


def upgrade() -> None:
    _foreign_keys('RESTRICT')
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
    else:
        op.execute(f"DROP TRIGGER {TABLE}_no_update")
        op.execute(f"DROP TRIGGER {TABLE}_no_delete")
    _foreign_keys('SET NULL')
