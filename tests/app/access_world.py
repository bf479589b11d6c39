"""A small world for access tests: community A with one person per role and some objects,
and community B with its own operator. Capabilities add their objects with ``@world_builder``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from app.extensions import db
from app.security.roles import Role
from app.services.accounts import users as accounts
from tests.factories import make_community, make_member, make_user

WorldBuilder = Callable[[SimpleNamespace], None]
WORLD_BUILDERS: list[WorldBuilder] = []


def world_builder(fn: WorldBuilder) -> WorldBuilder:
    """Register a function that adds objects to the access world."""
    WORLD_BUILDERS.append(fn)
    return fn


def build_world() -> SimpleNamespace:
    """Create the world and return handles to everything in it."""
    w = SimpleNamespace()
    w.a = make_community(slug="alpha", name="社群A")
    w.b = make_community(slug="beta", name="社群B")
    w.users = {role.value: make_member(w.a, role) for role in Role}
    w.users["outsider"] = make_member(w.b, Role.OPERATOR)
    w.users["superuser"] = make_user(is_superuser=True)
    w.extra_member = make_member(w.a, Role.MEMBER)
    w.extra_membership = next(m for m in w.extra_member.memberships)
    issued = accounts.create_invitation(w.a, Role.MEMBER, actor=w.users["admin"], max_uses=None)
    w.invitation, w.invitation_token = issued.invitation, issued.token
    w.tokens = {}
    for who in ("member", "operator", "manager", "admin"):
        w.tokens[who] = accounts.create_api_token(w.a, w.users[who], f"{who} token").secret
    w.tokens["outsider"] = accounts.create_api_token(w.b, w.users["outsider"], "b token").secret
    w.token_row = accounts.resolve_api_token(w.tokens["operator"])
    # A group-chat robot whose (refused) local port fails fast when a test message is sent.
    w.hook_id = "0a1b2c3d"
    w.a.settings = {**(w.a.settings or {}), "webhooks": [
        {"id": w.hook_id, "vendor": "wecom", "name": "运营群", "events": ["suggestion.new"],
         "url": "http://127.0.0.1:9/cgi-bin/webhook/send?key=0123456789abcdef"}]}
    for builder in WORLD_BUILDERS:
        builder(w)
    db.session.commit()
    return w


@world_builder
def survey_world(w: SimpleNamespace) -> None:
    """A published survey with a response, an invitation, an upload and a resumable session,
    plus a draft to delete."""
    import surveys as domain
    from app.models import SurveyImport, SurveyInvitation
    from app.services.surveys import lifecycle as survey_service
    from app.services.surveys import responses as runs
    from tests.app.surveys.helpers import SKIP_SURVEY
    from tests.factories import make_survey

    admin = w.users["admin"]
    w.survey = make_survey(w.a, SKIP_SURVEY, channels=[("wx-group-3", "微信3群")], actor=admin)
    w.survey_draft = make_survey(w.a, SKIP_SURVEY, publish=False, actor=admin)
    version, definition = survey_service.live_definition(w.survey)
    result = domain.validate_answers(definition, {"nps": 3, "why": "广告太多", "fix": "ads"})
    w.survey_response = runs.store_response(w.survey, version, definition,
                                            runs.NewResponse(answers=result.answers))
    w.survey_invitation = SurveyInvitation(survey_id=w.survey.id, community_id=w.a.id,
                                           token_hash="0" * 64, label="世界")
    db.session.add(w.survey_invitation)
    w.survey_import = SurveyImport(survey_id=w.survey.id, community_id=w.a.id,
                                   filename="x.csv", data=b"a,b\n1,2\n", headers=["a", "b"],
                                   row_count=1)
    db.session.add(w.survey_import)
    _session, w.survey_resume_token = runs.start_session(w.survey, version=version)
    db.session.flush()


# Capabilities register their objects in their own modules, imported here.
from tests.app import access_world_insights, access_world_sources  # noqa: E402,F401
