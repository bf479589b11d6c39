"""Suggestion box and interview notes: suggestions with their updates, notes, tags, votes,
followers, comments, images and merges; interview guides, interviews and highlights;
notifications with channel preferences; and the changelog (你说我改).

Revision ID: 0100
Revises: 0001
Create Date: 2026-11-24 21:52:19.238557

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0100'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('changelog_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('source_type', sa.String(length=32), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('supporters', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_changelog_entries_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_changelog_entries_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_changelog_entries'))
    )
    with op.batch_alter_table('changelog_entries', schema=None) as batch_op:
        batch_op.create_index('ix_changelog_entries_community_published', ['community_id', 'published_at'], unique=False)
        batch_op.create_index('ix_changelog_entries_source', ['community_id', 'source_type', 'source_id'], unique=False)

    op.create_table('interview_guides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('questions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_interview_guides_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interview_guides_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_guides'))
    )
    with op.batch_alter_table('interview_guides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_guides_community_id'), ['community_id'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'channel', name=op.f('uq_notification_preferences_user_id_channel'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('deliveries', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_notifications_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_community_id'), ['community_id'], unique=False)
        batch_op.create_index('ix_notifications_recipient_created', ['recipient_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_recipient_read', ['recipient_id', 'read_at'], unique=False)

    op.create_table('suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('tracking_hash', sa.String(length=64), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_suggestions_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_suggestions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_suggestions_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['suggestions.id'], name=op.f('fk_suggestions_merged_into_id_suggestions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions')),
    sa.UniqueConstraint('tracking_hash', name=op.f('uq_suggestions_tracking_hash'))
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestions_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestions_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_suggestions_community_created', ['community_id', 'created_at'], unique=False)
        batch_op.create_index('ix_suggestions_community_status', ['community_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestions_merged_into_id'), ['merged_into_id'], unique=False)

    op.create_table('interviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('interviewee_id', sa.Integer(), nullable=True),
    sa.Column('interviewee_name', sa.String(length=80), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_note', sa.String(length=500), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=True),
    sa.Column('guide_questions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_interviews_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interviews_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['guide_id'], ['interview_guides.id'], name=op.f('fk_interviews_guide_id_interview_guides'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interviewee_id'], ['users.id'], name=op.f('fk_interviews_interviewee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_interviews_interviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviews'))
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index('ix_interviews_community_held', ['community_id', 'held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_interviews_interviewee_id'), ['interviewee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interviews_interviewer_id'), ['interviewer_id'], unique=False)

    op.create_table('suggestion_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_suggestion_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_suggestion_comments_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_suggestion_comments_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_comments'))
    )
    with op.batch_alter_table('suggestion_comments', schema=None) as batch_op:
        batch_op.create_index('ix_suggestion_comments_suggestion', ['suggestion_id', 'created_at'], unique=False)

    op.create_table('suggestion_follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_suggestion_follows_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_suggestion_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_follows')),
    sa.UniqueConstraint('suggestion_id', 'user_id', name=op.f('uq_suggestion_follows_suggestion_id_user_id'))
    )
    with op.batch_alter_table('suggestion_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_follows_user_id'), ['user_id'], unique=False)

    op.create_table('suggestion_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('mime_type', sa.String(length=32), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_suggestion_images_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_suggestion_images_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_images')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_suggestion_images_stored_name'))
    )
    with op.batch_alter_table('suggestion_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_images_suggestion_id'), ['suggestion_id'], unique=False)

    op.create_table('suggestion_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('previous_status', sa.String(length=16), nullable=False),
    sa.Column('moved', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_suggestion_merges_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_suggestion_merges_merged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['suggestions.id'], name=op.f('fk_suggestion_merges_source_id_suggestions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['suggestions.id'], name=op.f('fk_suggestion_merges_target_id_suggestions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_suggestion_merges_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_merges'))
    )
    with op.batch_alter_table('suggestion_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_merges_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_merges_target_id'), ['target_id'], unique=False)

    op.create_table('suggestion_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_suggestion_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_suggestion_notes_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_suggestion_notes_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_notes'))
    )
    with op.batch_alter_table('suggestion_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_notes_suggestion_id'), ['suggestion_id'], unique=False)

    op.create_table('suggestion_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_suggestion_tags_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_tags')),
    sa.UniqueConstraint('suggestion_id', 'name', name=op.f('uq_suggestion_tags_suggestion_id_name'))
    )
    with op.batch_alter_table('suggestion_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_tags_name'), ['name'], unique=False)

    op.create_table('suggestion_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('related_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_suggestion_updates_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_suggestion_updates_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_suggestion_updates_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_updates'))
    )
    with op.batch_alter_table('suggestion_updates', schema=None) as batch_op:
        batch_op.create_index('ix_suggestion_updates_suggestion', ['suggestion_id', 'created_at'], unique=False)

    op.create_table('suggestion_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_suggestion_votes_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_suggestion_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_votes')),
    sa.UniqueConstraint('suggestion_id', 'user_id', name=op.f('uq_suggestion_votes_suggestion_id_user_id'))
    )
    with op.batch_alter_table('suggestion_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_votes_user_id'), ['user_id'], unique=False)

    op.create_table('highlights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_index', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('sentiment', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('stale', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_highlights_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_highlights_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_highlights_interview_id_interviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_highlights'))
    )
    with op.batch_alter_table('highlights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_highlights_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_highlights_interview_id'), ['interview_id'], unique=False)

    op.create_table('interview_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_interview_tags_interview_id_interviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_tags')),
    sa.UniqueConstraint('interview_id', 'name', name=op.f('uq_interview_tags_interview_id_name'))
    )
    with op.batch_alter_table('interview_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_tags_name'), ['name'], unique=False)

    op.create_table('highlight_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('highlight_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['highlight_id'], ['highlights.id'], name=op.f('fk_highlight_tags_highlight_id_highlights'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_highlight_tags')),
    sa.UniqueConstraint('highlight_id', 'name', name=op.f('uq_highlight_tags_highlight_id_name'))
    )
    with op.batch_alter_table('highlight_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_highlight_tags_name'), ['name'], unique=False)



def downgrade():
    with op.batch_alter_table('highlight_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_highlight_tags_name'))

    op.drop_table('highlight_tags')
    with op.batch_alter_table('interview_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_tags_name'))

    op.drop_table('interview_tags')
    with op.batch_alter_table('highlights', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_highlights_interview_id'))
        batch_op.drop_index(batch_op.f('ix_highlights_community_id'))

    op.drop_table('highlights')
    with op.batch_alter_table('suggestion_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_votes_user_id'))

    op.drop_table('suggestion_votes')
    with op.batch_alter_table('suggestion_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestion_updates_suggestion')

    op.drop_table('suggestion_updates')
    with op.batch_alter_table('suggestion_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_tags_name'))

    op.drop_table('suggestion_tags')
    with op.batch_alter_table('suggestion_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_notes_suggestion_id'))

    op.drop_table('suggestion_notes')
    with op.batch_alter_table('suggestion_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_merges_target_id'))
        batch_op.drop_index(batch_op.f('ix_suggestion_merges_source_id'))

    op.drop_table('suggestion_merges')
    with op.batch_alter_table('suggestion_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_images_suggestion_id'))

    op.drop_table('suggestion_images')
    with op.batch_alter_table('suggestion_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_follows_user_id'))

    op.drop_table('suggestion_follows')
    with op.batch_alter_table('suggestion_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestion_comments_suggestion')

    op.drop_table('suggestion_comments')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_interviewer_id'))
        batch_op.drop_index(batch_op.f('ix_interviews_interviewee_id'))
        batch_op.drop_index('ix_interviews_community_held')

    op.drop_table('interviews')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestions_merged_into_id'))
        batch_op.drop_index('ix_suggestions_community_status')
        batch_op.drop_index('ix_suggestions_community_created')
        batch_op.drop_index(batch_op.f('ix_suggestions_author_id'))
        batch_op.drop_index(batch_op.f('ix_suggestions_assignee_id'))

    op.drop_table('suggestions')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_recipient_read')
        batch_op.drop_index('ix_notifications_recipient_created')
        batch_op.drop_index(batch_op.f('ix_notifications_community_id'))

    op.drop_table('notifications')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('interview_guides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_guides_community_id'))

    op.drop_table('interview_guides')
    with op.batch_alter_table('changelog_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_changelog_entries_source')
        batch_op.drop_index('ix_changelog_entries_community_published')

    op.drop_table('changelog_entries')
