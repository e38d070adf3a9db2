"""audit log append-only

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

The database refuses to change or delete an audit entry, as it does for the bid log (0002). Its
foreign keys no longer SET NULL: deleting a user, sale or case would rewrite the entries naming it
(an UPDATE the triggers refuse anyway); RESTRICT refuses such a delete for what it is. Nothing in
Criée deletes users, sales or cases: a user is deactivated.
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

REFERENCES = (('user_id', 'users'), ('sale_id', 'sales'), ('case_id', 'cases'))


def _foreign_keys(ondelete: str) -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        for column, table in REFERENCES:
            name = f'fk_audit_log_{column}_{table}'
            batch_op.drop_constraint(name, type_='foreignkey')
            batch_op.create_foreign_key(name, table, [column], ['id'], ondelete=ondelete)


def upgrade() -> None:
    _foreign_keys('RESTRICT')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$
        """)
        op.execute("""
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
        """)
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
            """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    _foreign_keys('SET NULL')
