"""Surveys: the optional rule that an anonymous survey takes one response per WeChat /
device (remembered by a cookie on the device; nothing about the person is stored).

Revision ID: 0630
Revises: 0620
Create Date: 2026-12-07 12:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0630'
down_revision = '0620'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('one_per_device', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('one_per_device')
