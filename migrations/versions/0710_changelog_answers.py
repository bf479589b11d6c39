"""你说我改 entries name the suggestions they answer: an entry answers one or more
suggestions, and the entries already published for a completed suggestion answer it.

Revision ID: 0710
Revises: 0700
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0710'
down_revision = "0700"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'changelog_answers',
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('suggestion_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['changelog_entries.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('entry_id', 'suggestion_id'),
    )
    with op.batch_alter_table('changelog_answers', schema=None) as batch_op:
        batch_op.create_index('ix_changelog_answers_suggestion', ['suggestion_id'], unique=False)
    # An entry published for a completed suggestion answers that suggestion.
    op.execute(
        "INSERT INTO changelog_answers (entry_id, suggestion_id) "
        "SELECT e.id, s.id FROM changelog_entries e JOIN suggestions s "
        "ON s.id = e.source_id AND s.community_id = e.community_id "
        "WHERE e.source_type = 'suggestion'"
    )


def downgrade():
    with op.batch_alter_table('changelog_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_changelog_answers_suggestion')
    op.drop_table('changelog_answers')
