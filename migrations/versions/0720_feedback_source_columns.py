"""Feedback items name their source in columns (survey, question, response, suggestion,
interview), filled from each item's source key, so that finding a survey's or a response's
items uses an index instead of matching key text with LIKE.

Revision ID: 0720
Revises: 0710
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0720'
down_revision = '0710'
branch_labels = None
depends_on = None

COLUMNS = ('survey_id', 'question_key', 'response_id', 'suggestion_id', 'interview_id')
BATCH = 1000


def _links(source_key):
    # A copy of app.models.feedback.source_links as it stood at this revision: a migration
    # must not change when the app's code does.
    links = dict.fromkeys(COLUMNS)
    parts = (source_key or '').split(':')
    kind = parts[0]
    if kind == 'survey' and len(parts) >= 5 and parts[2] == 'response':
        if parts[1].isdigit() and parts[3].isdigit():
            links.update(survey_id=int(parts[1]), response_id=int(parts[3]),
                         question_key=':'.join(parts[4:])[:64] or None)
    elif kind == 'suggestion' and len(parts) >= 2 and parts[1].isdigit():
        links['suggestion_id'] = int(parts[1])
    elif kind == 'interview' and len(parts) >= 2 and parts[1].isdigit():
        links['interview_id'] = int(parts[1])
    return links


def _backfill():
    items = sa.table('feedback_items', sa.column('id', sa.Integer),
                     sa.column('source_key', sa.String),
                     *(sa.column(name) for name in COLUMNS))
    update = (items.update().where(items.c.id == sa.bindparam('item_id'))
              .values({name: sa.bindparam('new_' + name) for name in COLUMNS}))
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(items.c.id, items.c.source_key).where(items.c.id > last)
            .order_by(items.c.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        params = []
        for row in rows:
            links = _links(row.source_key)
            if any(value is not None for value in links.values()):
                params.append({'item_id': row.id,
                               **{'new_' + name: value for name, value in links.items()}})
        if params:
            conn.execute(update, params)


def upgrade():
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('question_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('response_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('suggestion_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('interview_id', sa.Integer(), nullable=True))
    _backfill()
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        # Community first: the lookups also filter by community and source kind, and SQLite
        # (without statistics) takes this index over (community_id, source_kind) only when
        # it matches more columns.
        batch_op.create_index('ix_feedback_items_survey_question',
                              ['community_id', 'survey_id', 'question_key'], unique=False)
        batch_op.create_index('ix_feedback_items_response', ['response_id'], unique=False)
        batch_op.create_index('ix_feedback_items_suggestion', ['suggestion_id'], unique=False)
        batch_op.create_index('ix_feedback_items_interview', ['interview_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_items_interview')
        batch_op.drop_index('ix_feedback_items_suggestion')
        batch_op.drop_index('ix_feedback_items_response')
        batch_op.drop_index('ix_feedback_items_survey_question')
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
