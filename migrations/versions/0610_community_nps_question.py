"""Surveys: the NPS question marked as the community NPS question (「作为社群 NPS」), the only
one whose answers count towards a report's headline NPS.

Revision ID: 0610
Revises: 0600
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0610'
down_revision = '0600'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('community_nps_question', sa.String(length=64),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('community_nps_question')
