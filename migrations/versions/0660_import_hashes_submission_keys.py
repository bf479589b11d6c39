"""Duplicates and previews: imports keep their file's SHA-256 and first rows, and a box
suggestion keeps its form's one-time submission key (hashed) with its tracking code sealed.

Revision ID: 0660
Revises: 0640
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa

from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')

# revision identifiers, used by Alembic.
revision = '0660'
down_revision = '0640'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('preview', JSON, nullable=True))
        batch_op.create_index('ix_survey_imports_survey_sha256',
                              ['survey_id', 'content_sha256'], unique=False)
    with op.batch_alter_table('metric_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('preview', JSON, nullable=True))
        batch_op.create_index('ix_metric_imports_community_sha256',
                              ['community_id', 'content_sha256'], unique=False)
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key_hash', sa.String(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('tracking_code_sealed', sa.String(length=96),
                                      nullable=True))
        batch_op.create_unique_constraint('uq_suggestions_submission_key_hash',
                                          ['submission_key_hash'])


def downgrade():
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_suggestions_submission_key_hash', type_='unique')
        batch_op.drop_column('tracking_code_sealed')
        batch_op.drop_column('submission_key_hash')
    with op.batch_alter_table('metric_imports', schema=None) as batch_op:
        batch_op.drop_index('ix_metric_imports_community_sha256')
        batch_op.drop_column('preview')
        batch_op.drop_column('content_sha256')
    with op.batch_alter_table('survey_imports', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_imports_survey_sha256')
        batch_op.drop_column('preview')
        batch_op.drop_column('content_sha256')
