"""Sharded analysis: a large community's full run is split into item-id ranges that any
worker can analyse; each shard's prepared items wait in the database for the merge step.

Revision ID: 0700
Revises: 0670
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa

from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')

# revision identifiers, used by Alembic.
revision = '0700'
down_revision = '0670'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('insight_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phase', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('n_shards', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('shards_done', sa.Integer(), server_default='0',
                                      nullable=False))
    op.create_table(
        'insight_run_shards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('first_item_id', sa.Integer(), nullable=False),
        sa.Column('last_item_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('task_id', sa.String(length=64), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('n_items', sa.Integer(), nullable=False),
        sa.Column('item_ids', JSON, nullable=True),
        sa.Column('payload', sa.LargeBinary(), nullable=True),
        sa.Column('seconds', sa.Float(), nullable=True),
        sa.Column('worker', sa.String(length=120), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['insight_runs.id'],
                                name=op.f('fk_insight_run_shards_run_id_insight_runs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_run_shards')),
        sa.UniqueConstraint('run_id', 'position', name='uq_insight_run_shards_pos'),
    )


def downgrade():
    op.drop_table('insight_run_shards')
    with op.batch_alter_table('insight_runs', schema=None) as batch_op:
        batch_op.drop_column('shards_done')
        batch_op.drop_column('n_shards')
        batch_op.drop_column('phase')
