"""Code frame: each community's edits of the built-in code frame, and on each theme the
code-frame theme it is and a one-line summary.

Revision ID: 0600
Revises: 0500
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0600'
down_revision = '0500'
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'insight_code_frames',
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('custom', _JSON, nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'],
                                name=op.f('fk_insight_code_frames_community_id_communities'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_insight_code_frames_updated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('community_id', name=op.f('pk_insight_code_frames')),
    )
    with op.batch_alter_table('insight_themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frame_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('insight_themes', schema=None) as batch_op:
        batch_op.drop_column('summary')
        batch_op.drop_column('frame_key')
    op.drop_table('insight_code_frames')
