"""File storage: a ``stored_files`` table for FILE_STORAGE=database, and the storage key of a
survey import's upload.

Revision ID: 0670
Revises: 0660
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0670'
down_revision = '0660'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=True),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'],
                                name=op.f('fk_stored_files_community_id_communities'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
        sa.UniqueConstraint('key', name=op.f('uq_stored_files_key')),
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_files_community_id'), ['community_id'],
                              unique=False)
    with op.batch_alter_table('survey_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_key', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('survey_imports', schema=None) as batch_op:
        batch_op.drop_column('file_key')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_files_community_id'))
    op.drop_table('stored_files')
