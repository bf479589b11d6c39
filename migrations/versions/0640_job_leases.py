"""Job leases: a running job's lease and heartbeat, the worker holding it, and how many
earlier runs of the same request lost their worker.

Revision ID: 0640
Revises: 0630
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0640'
down_revision = '0630'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('lapses', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.create_index('ix_job_runs_state_lease', ['state', 'lease_expires_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_state_lease')
        batch_op.drop_column('lapses')
        batch_op.drop_column('worker')
        batch_op.drop_column('lease_expires_at')
