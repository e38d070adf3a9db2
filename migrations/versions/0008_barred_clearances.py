"""barred clearances: the officer's homonym findings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('barred_clearances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('entry_name', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cleared_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cleared_by_id'], ['users.id'], name=op.f('fk_barred_clearances_cleared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_barred_clearances_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barred_clearances')),
    sa.UniqueConstraint('registration_id', 'entry_name', name=op.f('uq_barred_clearances_registration_id_entry_name'))
    )
    with op.batch_alter_table('barred_clearances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_barred_clearances_registration_id'), ['registration_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('barred_clearances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_barred_clearances_registration_id'))

    op.drop_table('barred_clearances')
