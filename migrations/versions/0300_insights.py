"""Insight workspace: analysis runs and the current-run pointer, themes, per-item analysis,
operator labels and corrections, model layers, alerts, theme actions, item tags, word clouds,
and the Chinese full-text search index (FTS5 on SQLite, a GIN tsvector index on PostgreSQL).

Revision ID: 0300
Revises: 0200
Create Date: 2026-11-24 22:16:22.342025

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# The search index objects, as in app.models.insights (copied: migrations must not change
# when the models do).
FTS_TABLE = "insight_search_fts"
SQLITE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "tokens, content='insight_search_texts', content_rowid='feedback_item_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS insight_search_ai AFTER INSERT ON insight_search_texts BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (new.feedback_item_id, new.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS insight_search_ad AFTER DELETE ON insight_search_texts BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) "
    "VALUES ('delete', old.feedback_item_id, old.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS insight_search_au AFTER UPDATE ON insight_search_texts BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) "
    "VALUES ('delete', old.feedback_item_id, old.tokens); "
    f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (new.feedback_item_id, new.tokens); END",
)
SQLITE_SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS insight_search_au",
    "DROP TRIGGER IF EXISTS insight_search_ad",
    "DROP TRIGGER IF EXISTS insight_search_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
PG_SEARCH_INDEX = (
    "CREATE INDEX ix_insight_search_texts_tsv ON insight_search_texts "
    "USING gin (to_tsvector('simple', tokens))"
)

# revision identifiers, used by Alembic.
revision = '0300'
down_revision = '0200'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('insight_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('theme_key', sa.Integer(), nullable=False),
    sa.Column('theme_name', sa.String(length=80), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('observed', sa.Float(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_insight_alerts_acknowledged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_alerts_community_id_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_alerts')),
    sa.UniqueConstraint('community_id', 'kind', 'theme_key', 'period_start', name=op.f('uq_insight_alerts_community_id_kind_theme_key_period_start'))
    )
    with op.batch_alter_table('insight_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_insight_alerts_community_created', ['community_id', 'created_at'], unique=False)

    op.create_table('insight_model_layers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('n_examples', sa.Integer(), nullable=False),
    sa.Column('metrics', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('trained_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_model_layers_community_id_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_model_layers')),
    sa.UniqueConstraint('community_id', 'kind', name=op.f('uq_insight_model_layers_community_id_kind'))
    )
    op.create_table('insight_theme_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('theme_key', sa.Integer(), nullable=False),
    sa.Column('theme_name', sa.String(length=80), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('acted_on_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('suggestion_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('notified_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_insight_theme_actions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_theme_actions_community_id_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_theme_actions'))
    )
    with op.batch_alter_table('insight_theme_actions', schema=None) as batch_op:
        batch_op.create_index('ix_insight_theme_actions_community_theme', ['community_id', 'theme_key'], unique=False)

    op.create_table('insight_item_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('sentiment_label', sa.SmallInteger(), nullable=False),
    sa.Column('labelled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_item_labels_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_items.id'], name=op.f('fk_insight_item_labels_feedback_item_id_feedback_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['labelled_by_id'], ['users.id'], name=op.f('fk_insight_item_labels_labelled_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_item_labels')),
    sa.UniqueConstraint('feedback_item_id', name=op.f('uq_insight_item_labels_feedback_item_id'))
    )
    with op.batch_alter_table('insight_item_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_item_labels_community_id'), ['community_id'], unique=False)

    op.create_table('insight_item_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=24), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_item_tags_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_insight_item_tags_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_items.id'], name=op.f('fk_insight_item_tags_feedback_item_id_feedback_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_item_tags')),
    sa.UniqueConstraint('feedback_item_id', 'name', name=op.f('uq_insight_item_tags_feedback_item_id_name'))
    )
    with op.batch_alter_table('insight_item_tags', schema=None) as batch_op:
        batch_op.create_index('ix_insight_item_tags_community_name', ['community_id', 'name'], unique=False)

    op.create_table('insight_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('job_run_id', sa.Integer(), nullable=True),
    sa.Column('previous_run_id', sa.Integer(), nullable=True),
    sa.Column('n_items', sa.Integer(), nullable=False),
    sa.Column('n_themes', sa.Integer(), nullable=False),
    sa.Column('n_filler', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('assignments', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('model_bytes', sa.LargeBinary(), nullable=True),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('stats', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('diff', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_runs_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_run_id'], ['job_runs.id'], name=op.f('fk_insight_runs_job_run_id_job_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_run_id'], ['insight_runs.id'], name=op.f('fk_insight_runs_previous_run_id_insight_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_insight_runs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_runs'))
    )
    with op.batch_alter_table('insight_runs', schema=None) as batch_op:
        batch_op.create_index('ix_insight_runs_community_created', ['community_id', 'created_at'], unique=False)

    op.create_table('insight_search_texts',
    sa.Column('feedback_item_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_search_texts_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_items.id'], name=op.f('fk_insight_search_texts_feedback_item_id_feedback_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('feedback_item_id', name=op.f('pk_insight_search_texts'))
    )
    with op.batch_alter_table('insight_search_texts', schema=None) as batch_op:
        batch_op.create_index('ix_insight_search_texts_community', ['community_id'], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(PG_SEARCH_INDEX)

    op.create_table('insight_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('summary', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('theme_keys', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('item_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_insight_corrections_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_corrections_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['insight_runs.id'], name=op.f('fk_insight_corrections_run_id_insight_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_insight_corrections_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_corrections'))
    )
    with op.batch_alter_table('insight_corrections', schema=None) as batch_op:
        batch_op.create_index('ix_insight_corrections_community_created', ['community_id', 'created_at'], unique=False)

    op.create_table('insight_item_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('feedback_item_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('source_kind', sa.String(length=32), nullable=False),
    sa.Column('theme_key', sa.Integer(), nullable=False),
    sa.Column('sentiment_label', sa.SmallInteger(), nullable=False),
    sa.Column('model_label', sa.SmallInteger(), nullable=False),
    sa.Column('sentiment_score', sa.Float(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('clauses', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('keywords', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('is_filler', sa.Boolean(), nullable=False),
    sa.Column('sentiment_corrected', sa.Boolean(), nullable=False),
    sa.Column('theme_corrected', sa.Boolean(), nullable=False),
    sa.Column('member_days', sa.Integer(), nullable=True),
    sa.Column('author_recent', sa.Integer(), nullable=False),
    sa.Column('analyzed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_item_analyses_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_item_id'], ['feedback_items.id'], name=op.f('fk_insight_item_analyses_feedback_item_id_feedback_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['insight_runs.id'], name=op.f('fk_insight_item_analyses_run_id_insight_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_item_analyses')),
    sa.UniqueConstraint('run_id', 'feedback_item_id', name=op.f('uq_insight_item_analyses_run_id_feedback_item_id'))
    )
    with op.batch_alter_table('insight_item_analyses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_item_analyses_feedback_item_id'), ['feedback_item_id'], unique=False)
        batch_op.create_index('ix_insight_item_analyses_run_confidence', ['run_id', 'confidence'], unique=False)
        batch_op.create_index('ix_insight_item_analyses_run_day', ['run_id', 'day', 'theme_key', 'sentiment_label'], unique=False)
        batch_op.create_index('ix_insight_item_analyses_run_theme', ['run_id', 'theme_key', 'day', 'sentiment_label'], unique=False)

    op.create_table('insight_states',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('current_run_id', sa.Integer(), nullable=True),
    sa.Column('switched_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_states_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['current_run_id'], ['insight_runs.id'], name=op.f('fk_insight_states_current_run_id_insight_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('community_id', name=op.f('pk_insight_states'))
    )
    op.create_table('insight_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('merged_into_key', sa.Integer(), nullable=True),
    sa.Column('parent_key', sa.Integer(), nullable=True),
    sa.Column('keywords', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('keyword_weights', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('quote_item_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sentiment_mix', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('seed_words', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('name_edited', sa.Boolean(), nullable=False),
    sa.Column('is_other', sa.Boolean(), nullable=False),
    sa.Column('first_run_id', sa.Integer(), nullable=True),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('acted_on_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_themes_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['first_run_id'], ['insight_runs.id'], name=op.f('fk_insight_themes_first_run_id_insight_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_run_id'], ['insight_runs.id'], name=op.f('fk_insight_themes_last_run_id_insight_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_themes')),
    sa.UniqueConstraint('community_id', 'key', name=op.f('uq_insight_themes_community_id_key'))
    )
    op.create_table('insight_wordclouds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('cache_key', sa.String(length=64), nullable=False),
    sa.Column('png', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_insight_wordclouds_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['insight_runs.id'], name=op.f('fk_insight_wordclouds_run_id_insight_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_wordclouds')),
    sa.UniqueConstraint('community_id', 'cache_key', name=op.f('uq_insight_wordclouds_community_id_cache_key'))
    )
    with op.batch_alter_table('insight_wordclouds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_wordclouds_run_id'), ['run_id'], unique=False)



def downgrade():
    with op.batch_alter_table('insight_wordclouds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_wordclouds_run_id'))

    op.drop_table('insight_wordclouds')
    op.drop_table('insight_themes')
    op.drop_table('insight_states')
    with op.batch_alter_table('insight_item_analyses', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_item_analyses_run_theme')
        batch_op.drop_index('ix_insight_item_analyses_run_day')
        batch_op.drop_index('ix_insight_item_analyses_run_confidence')
        batch_op.drop_index(batch_op.f('ix_insight_item_analyses_feedback_item_id'))

    op.drop_table('insight_item_analyses')
    with op.batch_alter_table('insight_corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_corrections_community_created')

    op.drop_table('insight_corrections')
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_SEARCH_DROP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_insight_search_texts_tsv")
    with op.batch_alter_table('insight_search_texts', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_search_texts_community')

    op.drop_table('insight_search_texts')
    with op.batch_alter_table('insight_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_runs_community_created')

    op.drop_table('insight_runs')
    with op.batch_alter_table('insight_item_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_item_tags_community_name')

    op.drop_table('insight_item_tags')
    with op.batch_alter_table('insight_item_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_item_labels_community_id'))

    op.drop_table('insight_item_labels')
    with op.batch_alter_table('insight_theme_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_theme_actions_community_theme')

    op.drop_table('insight_theme_actions')
    op.drop_table('insight_model_layers')
    with op.batch_alter_table('insight_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_alerts_community_created')

    op.drop_table('insight_alerts')
