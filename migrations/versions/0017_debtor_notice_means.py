"""debtor told by simple letter or any appropriate means (CPCE R221-35)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02

A debtor's notice may now be a simple letter, an e-mail or another means, described in
`means_detail` (required for another means); existing rows keep their means and get ''.
"""
import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OLD_MEANS = "means IN ('served_act', 'registered_letter', 'hand_delivery')"
NEW_MEANS = ("means IN ('simple_letter', 'registered_letter', 'served_act', 'hand_delivery', 'email', "
             "'other')")


def upgrade() -> None:
    with op.batch_alter_table('debtor_notices') as batch:
        batch.add_column(sa.Column('means_detail', sa.Text(), nullable=False, server_default=''))
        batch.drop_constraint(op.f('ck_debtor_notices_means'), type_='check')
        batch.create_check_constraint(op.f('ck_debtor_notices_means'), NEW_MEANS)
        batch.create_check_constraint(op.f('ck_debtor_notices_other_means_described'),
                                      "means <> 'other' OR means_detail <> ''")
    with op.batch_alter_table('debtor_notices') as batch:
        batch.alter_column('means_detail', server_default=None)


def downgrade() -> None:
    # the new means have no place in the old schema: refuse rather than lose what was recorded
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM debtor_notices WHERE means IN "
                                  "('simple_letter', 'email', 'other')")).scalar():
        raise RuntimeError("Des informations de débiteur par lettre simple, courriel ou autre moyen existent : "
                           "la migration ne peut être défaite sans les perdre.")
    with op.batch_alter_table('debtor_notices') as batch:
        batch.drop_constraint(op.f('ck_debtor_notices_other_means_described'), type_='check')
        batch.drop_constraint(op.f('ck_debtor_notices_means'), type_='check')
        batch.create_check_constraint(op.f('ck_debtor_notices_means'), OLD_MEANS)
        batch.drop_column('means_detail')
