"""rate limits shared by the server processes

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03

On PostgreSQL the rate limits of the login, the public registration and the online bids are kept in
this table, so that several server processes share one budget per client (auction.services.rate_limits).
SQLite keeps them in memory (one process): the table is made there too, and stays empty.
"""
import sqlalchemy as sa
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_limits',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('level', sa.Double(), nullable=False),
        sa.Column('stamp', sa.Double(), nullable=False),
        sa.Column('until', sa.Double(), nullable=False),
        sa.Column('expires_at', sa.Double(), nullable=False),
        sa.Column('granted', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limits')),
    )
    with op.batch_alter_table('rate_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limits_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rate_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limits_expires_at'))
    op.drop_table('rate_limits')
