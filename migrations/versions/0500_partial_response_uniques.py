"""Survey responses: the one-per-member and one-per-invitation rules become partial unique
indexes that leave anonymous responses (NULL) out, so an anonymous submission writes two
index entries fewer.

Revision ID: 0500
Revises: 0400
Create Date: 2026-11-25 04:25:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0500'
down_revision = '0400'
branch_labels = None
depends_on = None

_RULES = (
    ('uq_survey_responses_survey_id_respondent_id', ['survey_id', 'respondent_id'],
     'respondent_id IS NOT NULL'),
    ('uq_survey_responses_invitation_id', ['invitation_id'], 'invitation_id IS NOT NULL'),
)


def upgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        for name, _columns, _where in _RULES:
            batch_op.drop_constraint(name, type_='unique')
    for name, columns, where in _RULES:
        op.create_index(name, 'survey_responses', columns, unique=True,
                        sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def downgrade():
    for name, _columns, _where in _RULES:
        op.drop_index(name, table_name='survey_responses')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        for name, columns, _where in _RULES:
            batch_op.create_unique_constraint(name, columns)
