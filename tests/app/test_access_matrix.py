"""Role × route matrix: every route of the app, called by every kind of caller.

Callers: an anonymous visitor, a member, an operator, a manager and an admin of community A,
an operator of community B (the outsider), and a site administrator. ``ROUTES`` is the
specification: a route that exists but is missing here fails the suite, and so does a view
whose declared access policy differs from the specification.

Outcomes:
- ``allowed``: anything but 401/403/404/429 and a redirect to the login page;
- anonymous on a protected page: a redirect to the login page (401 for JSON APIs);
- a caller from another community: 404, never a hint that the object exists;
- a signed-in caller whose role is too low: 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest

from app.security.roles import Role
from tests.app import access_world_reports  # noqa: F401  (adds reports to the world)
from tests.app.access_world import build_world
from tests.conftest import _clear_tables, sign_in

CALLERS = ["anonymous", "member", "operator", "manager", "admin", "outsider", "superuser"]


@dataclass(frozen=True)
class Route:
    """How to call a route and who may."""

    method: str
    policy: str  # public | public_community | login | superuser | community | api
    min_role: Role | None = None
    params: Callable = field(default=lambda w: {})
    data: Callable = field(default=lambda w: {})


def A(w):
    return {"slug": w.a.slug}


def S(w):
    return {"slug": w.a.slug, "survey_id": w.survey.id}


def S_PAGE(w):
    return {**S(w), "page_id": "first"}


def S_QUESTION(w):
    return {**S(w), "question_id": "why"}


def S_RESPONSE(w):
    return {**S(w), "response_id": w.survey_response.id}


def S_IMPORT(w):
    return {**S(w), "import_id": w.survey_import.id}


ROUTES: dict[str, Route] = {
    "static": Route("GET", "public", params=lambda w: {"filename": "css/app.css"}),
    "main.index": Route("GET", "public"),
    "main.healthz": Route("GET", "public"),
    "main.set_language": Route("POST", "public", data=lambda w: {"lang": "en"}),
    "main.communities": Route("GET", "login"),
    "main.new_community": Route("GET", "superuser"),
    "auth.login": Route("GET", "public"),
    "auth.logout": Route("POST", "public"),
    "auth.change_password": Route("GET", "login"),
    "auth.delete_account": Route("GET", "login"),
    "auth.accept_invitation": Route("GET", "public",
                                    params=lambda w: {"token": w.invitation_token}),
    "admin.job_list": Route("GET", "superuser"),
    "admin.selfcheck": Route("POST", "superuser"),
    "admin.retry": Route("POST", "superuser", params=lambda w: {"run_id": 999999}),
    "community.home": Route("GET", "community", Role.MEMBER, A),
    "community.members": Route("GET", "community", Role.OPERATOR, A),
    "community.change_role": Route(
        "POST", "community", Role.ADMIN,
        lambda w: {**A(w), "membership_id": w.extra_membership.id},
        lambda w: {"role": "operator"},
    ),
    "community.remove_member": Route(
        "POST", "community", Role.ADMIN,
        lambda w: {**A(w), "membership_id": w.extra_membership.id},
    ),
    "community.export_member_data": Route(
        "POST", "community", Role.ADMIN,
        lambda w: {**A(w), "membership_id": w.extra_membership.id},
    ),
    "community.erase_member": Route(
        "POST", "community", Role.ADMIN,
        lambda w: {**A(w), "membership_id": w.extra_membership.id},
    ),
    "community.invitations": Route("GET", "community", Role.ADMIN, A),
    "community.revoke_invitation": Route(
        "POST", "community", Role.ADMIN, lambda w: {**A(w), "invitation_id": w.invitation.id}
    ),
    "community.tokens": Route("GET", "community", Role.OPERATOR, A),
    "community.revoke_token": Route(
        "POST", "community", Role.OPERATOR, lambda w: {**A(w), "token_id": w.token_row.id}
    ),
    "community.settings": Route("GET", "community", Role.ADMIN, A),
    "community.webhook_settings": Route("GET", "community", Role.ADMIN, A),
    **{f"community.webhook_{action}": Route(
        "POST", "community", Role.ADMIN, lambda w: {**A(w), "hook_id": w.hook_id},
        lambda w: {"events": ["report.ready"]})
       for action in ("events", "test", "delete")},
    "community.audit_log": Route("GET", "community", Role.ADMIN, A),
    "api.me": Route("GET", "api", Role.MEMBER),
    # metrics: operators and up see and import them
    "metrics.index": Route("GET", "community", Role.OPERATOR, A),
    "metrics.links": Route("GET", "community", Role.OPERATOR, A),
    "metrics.upload": Route("GET", "community", Role.OPERATOR, A),
    "metrics.mapping": Route("GET", "community", Role.OPERATOR,
                             lambda w: {**A(w), "import_id": w.metric_import.id}),
    "metrics.discard": Route("POST", "community", Role.OPERATOR,
                             lambda w: {**A(w), "import_id": w.metric_import.id}),
    "metrics.template": Route("GET", "community", Role.OPERATOR, A),
    "metrics.definitions": Route("GET", "community", Role.OPERATOR, A),
    "metrics.edit_definition": Route("GET", "community", Role.OPERATOR,
                                     lambda w: {**A(w), "metric_id": w.custom_metric.id}),
    "metrics.delete_definition": Route("POST", "community", Role.OPERATOR,
                                       lambda w: {**A(w), "metric_id": w.custom_metric.id}),
    "api.push_metrics": Route("POST", "api", Role.OPERATOR),
    "api.read_metrics": Route("GET", "api", Role.OPERATOR),
    "api.metric_definitions": Route("GET", "api", Role.OPERATOR),
    # reports: managers and admins
    "reports.index": Route("GET", "community", Role.MANAGER, A),
    "reports.builder": Route("GET", "community", Role.MANAGER, A),
    "reports.preview": Route("GET", "community", Role.MANAGER,
                             lambda w: {**A(w), "period": "last_month"}),
    "reports.outline": Route("GET", "community", Role.MANAGER,
                             lambda w: {**A(w), "period": "last_month"}),
    "reports.show": Route("GET", "community", Role.MANAGER,
                          lambda w: {**A(w), "report_id": w.report.id}),
    "reports.status": Route("GET", "community", Role.MANAGER,
                            lambda w: {**A(w), "report_id": w.report.id}),
    "reports.download": Route("GET", "community", Role.MANAGER,
                              lambda w: {**A(w), "report_id": w.report.id}),
    "reports.retry": Route("POST", "community", Role.MANAGER,
                           lambda w: {**A(w), "report_id": w.report.id}),
    "reports.delete": Route("POST", "community", Role.MANAGER,
                            lambda w: {**A(w), "report_id": w.report.id}),
    "reports.schedules": Route("GET", "community", Role.MANAGER, A),
    "reports.edit_schedule": Route("GET", "community", Role.MANAGER,
                                   lambda w: {**A(w), "schedule_id": w.schedule.id}),
    "reports.delete_schedule": Route("POST", "community", Role.MANAGER,
                                     lambda w: {**A(w), "schedule_id": w.schedule.id}),
    "reports.send_schedule_now": Route("POST", "community", Role.MANAGER,
                                       lambda w: {**A(w), "schedule_id": w.schedule.id}),
    "reports_global.mine": Route("GET", "login"),
    "reports_global.asset": Route("GET", "public", params=lambda w: {"filename": "logo.svg"}),
    # Surveys: the operators' pages (members see open surveys on the index).
    "surveys.index": Route("GET", "community", Role.MEMBER, A),
    "surveys.new": Route("GET", "community", Role.OPERATOR, A),
    "surveys.builder": Route("GET", "community", Role.OPERATOR, S),
    "surveys.edit_details": Route("GET", "community", Role.OPERATOR, S),
    "surveys.add_page": Route("POST", "community", Role.OPERATOR, S,
                              lambda w: {"after": "first"}),
    "surveys.edit_page": Route("GET", "community", Role.OPERATOR, S_PAGE),
    "surveys.move_page": Route("POST", "community", Role.OPERATOR, S_PAGE,
                               lambda w: {"direction": "down"}),
    "surveys.delete_page": Route("POST", "community", Role.OPERATOR, S_PAGE),
    "surveys.add_question": Route("GET", "community", Role.OPERATOR,
                                  lambda w: {**S_PAGE(w), "type": "nps"}),
    "surveys.edit_question": Route("GET", "community", Role.OPERATOR, S_QUESTION),
    "surveys.edit_logic": Route("GET", "community", Role.OPERATOR, S_QUESTION),
    "surveys.move_question": Route("POST", "community", Role.OPERATOR, S_QUESTION,
                                   lambda w: {"direction": "up"}),
    "surveys.duplicate_question": Route("POST", "community", Role.OPERATOR, S_QUESTION),
    "surveys.delete_question": Route("GET", "community", Role.OPERATOR, S_QUESTION),
    "surveys.edit_skip": Route("GET", "community", Role.OPERATOR,
                               lambda w: {**S(w), "page_id": "detail"}),
    "surveys.delete_skip": Route("POST", "community", Role.OPERATOR,
                                 lambda w: {**S(w), "page_id": "detail", "index": 0}),
    "surveys.definition_json": Route("GET", "community", Role.OPERATOR, S),
    "surveys.settings": Route("GET", "community", Role.OPERATOR, S),
    "surveys.publish": Route("POST", "community", Role.OPERATOR, S),
    "surveys.close": Route("POST", "community", Role.OPERATOR, S),
    "surveys.reopen": Route("POST", "community", Role.OPERATOR, S),
    "surveys.discard": Route("POST", "community", Role.OPERATOR, S),
    "surveys.duplicate": Route("POST", "community", Role.OPERATOR, S),
    "surveys.delete": Route("POST", "community", Role.OPERATOR,
                            lambda w: {**A(w), "survey_id": w.survey_draft.id}),
    "surveys.share": Route("GET", "community", Role.OPERATOR, S),
    "surveys.channels": Route("POST", "community", Role.OPERATOR, S,
                              lambda w: {"channels-0-key": "wx-1", "channels-0-label": "一群"}),
    "surveys.qr": Route("GET", "community", Role.OPERATOR, lambda w: {**S(w), "kind": "png"}),
    "surveys.poster": Route("GET", "community", Role.OPERATOR, S),
    "surveys.invitations": Route("GET", "community", Role.OPERATOR, S),
    "surveys.revoke_invitation": Route(
        "POST", "community", Role.OPERATOR,
        lambda w: {**S(w), "invitation_id": w.survey_invitation.id}),
    "surveys.invitations_csv": Route("GET", "community", Role.OPERATOR, S),
    "surveys.preview": Route("GET", "community", Role.OPERATOR, S),
    "surveys.preview_start": Route("POST", "community", Role.OPERATOR, S),
    "surveys.responses": Route("GET", "community", Role.OPERATOR, S),
    "surveys.response_detail": Route("GET", "community", Role.OPERATOR, S_RESPONSE),
    "surveys.delete_response": Route("POST", "community", Role.OPERATOR, S_RESPONSE),
    "surveys.stats": Route("GET", "community", Role.OPERATOR, S),
    "surveys.crosstab": Route("GET", "community", Role.OPERATOR, S),
    "surveys.open_answers": Route("GET", "community", Role.OPERATOR, S),
    "surveys.export": Route("GET", "community", Role.OPERATOR, lambda w: {**S(w), "kind": "csv"}),
    "surveys.import_upload": Route("GET", "community", Role.OPERATOR, S),
    "surveys.import_detail": Route("GET", "community", Role.OPERATOR, S_IMPORT),
    "surveys.import_undo": Route("POST", "community", Role.OPERATOR, S_IMPORT),
    # Surveys: the member's pages behind the public link (anyone may open them).
    "respond.survey": Route("GET", "public", params=lambda w: {"key": w.survey.public_key}),
    "respond.start": Route("POST", "public", params=lambda w: {"key": w.survey.public_key}),
    "respond.resume": Route("GET", "public", params=lambda w: {
        "key": w.survey.public_key, "token": w.survey_resume_token}),
    # Surveys in the JSON API.
    "api.surveys_list": Route("GET", "api", Role.OPERATOR),
    "api.survey_detail": Route("GET", "api", Role.OPERATOR, lambda w: {"survey_id": w.survey.id}),
    "api.survey_submit": Route("POST", "api", Role.OPERATOR,
                               lambda w: {"survey_id": w.survey.id}),
    "api.survey_responses": Route("GET", "api", Role.OPERATOR,
                                  lambda w: {"survey_id": w.survey.id}),
    "api.survey_export": Route("GET", "api", Role.OPERATOR, lambda w: {"survey_id": w.survey.id}),
    "api.survey_statistics": Route("GET", "api", Role.OPERATOR,
                                   lambda w: {"survey_id": w.survey.id}),
}


def SG(w, name="suggestion", **extra):
    return {**A(w), "suggestion_id": getattr(w, name).id, **extra}


def T(w, **extra):
    return {**A(w), "code": w.anon_code, **extra}


def I(w, **extra):  # noqa: E743 - short like A, SG and T
    return {**A(w), "interview_id": w.interview.id, **extra}


ROUTES.update({
    # The suggestion box: public pages (visitors, tracking links) and member pages.
    "suggestions.box": Route("GET", "public_community", params=A),
    "suggestions.thanks": Route("GET", "public_community", params=A),
    "suggestions.similar": Route("POST", "public_community", params=A,
                                 data=lambda w: {"text": "群里广告太多"}),
    "suggestions.track_entry": Route("GET", "public_community", params=A),
    "suggestions.track": Route("GET", "public_community", params=T),
    "suggestions.track_answer": Route("POST", "public_community", params=T,
                                      data=lambda w: {"body": "补充：晚上八点最严重"}),
    "suggestions.track_edit": Route("GET", "public_community", params=T),
    "suggestions.track_image": Route(
        "GET", "public_community",
        params=lambda w: T(w, image_id=w.anon_suggestion.images[0].id)),
    "suggestions.changelog": Route("GET", "public_community", params=A),
    "suggestions.mine": Route("GET", "community", Role.MEMBER, A),
    "suggestions.board": Route("GET", "community", Role.MEMBER, A),
    "suggestions.roadmap": Route("GET", "community", Role.MEMBER, A),
    "suggestions.detail": Route("GET", "community", Role.MEMBER, SG),
    "suggestions.edit": Route("GET", "community", Role.MEMBER,
                              lambda w: SG(w, "member_suggestion")),
    "suggestions.vote": Route("POST", "community", Role.MEMBER, SG),
    "suggestions.follow": Route("POST", "community", Role.MEMBER, SG,
                                lambda w: {"follow": "1"}),
    "suggestions.comment": Route("POST", "community", Role.MEMBER, SG,
                                 lambda w: {"body": "同意"}),
    "suggestions.delete_comment": Route(
        "POST", "community", Role.MEMBER, lambda w: SG(w, comment_id=w.own_comment.id)),
    "suggestions.answer": Route("POST", "community", Role.MEMBER,
                                lambda w: SG(w, "member_suggestion"),
                                lambda w: {"body": "补充一下"}),
    "suggestions.image": Route("GET", "community", Role.MEMBER,
                               lambda w: SG(w, image_id=w.suggestion.images[0].id)),
    # The operators' inbox.
    "suggestions.inbox": Route("GET", "community", Role.OPERATOR, A),
    "suggestions.manage": Route("GET", "community", Role.OPERATOR, SG),
    "suggestions.bulk": Route("POST", "community", Role.OPERATOR, A),
    "suggestions.canned_replies": Route("GET", "community", Role.OPERATOR, A),
    "suggestions.set_status": Route("POST", "community", Role.OPERATOR, SG,
                                    lambda w: {"status": "in_progress", "reply": "在排期了"}),
    "suggestions.triage": Route("POST", "community", Role.OPERATOR, SG,
                                lambda w: {"category": "服务", "tags": "积分", "assignee": ""}),
    "suggestions.add_note": Route("POST", "community", Role.OPERATOR, SG,
                                  lambda w: {"body": "下周例会讨论"}),
    "suggestions.merge": Route("POST", "community", Role.OPERATOR,
                               lambda w: SG(w, "member_suggestion"),
                               lambda w: {"target": w.merge_target.id}),
    "suggestions.unmerge": Route("POST", "community", Role.OPERATOR, lambda w: SG(w, "merged")),
    "suggestions.visibility": Route("POST", "community", Role.OPERATOR, SG,
                                    lambda w: {"hidden": "1"}),
    "suggestions.comment_visibility": Route(
        "POST", "community", Role.OPERATOR, lambda w: SG(w, comment_id=w.comment.id),
        lambda w: {"hidden": "1"}),
    "suggestions.delete": Route("POST", "community", Role.OPERATOR,
                                lambda w: SG(w, "anon_suggestion")),
    "suggestions.settings": Route("GET", "community", Role.ADMIN, A),
    "suggestions.changelog_add": Route("POST", "community", Role.OPERATOR, A,
                                       lambda w: {"title": "作业点评改为 48 小时内完成"}),
    "suggestions.changelog_delete": Route("POST", "community", Role.OPERATOR,
                                          lambda w: {**A(w), "entry_id": w.entry.id}),
    # Notifications.
    "notifications.index": Route("GET", "community", Role.MEMBER, A),
    "notifications.open_one": Route(
        "POST", "community", Role.MEMBER,
        lambda w: {**A(w), "notification_id": w.notification_for[w.users["member"].id].id}),
    "notifications.read_all": Route("POST", "community", Role.MEMBER, A),
    "notifications.preferences": Route("POST", "community", Role.MEMBER, A,
                                       lambda w: {"email": "y"}),
    # Interviews.
    "interviews.index": Route("GET", "community", Role.OPERATOR, A),
    "interviews.new": Route("GET", "community", Role.OPERATOR, A),
    "interviews.members": Route("GET", "community", Role.OPERATOR, A),
    "interviews.show": Route("GET", "community", Role.OPERATOR, I),
    "interviews.edit": Route("GET", "community", Role.OPERATOR, I),
    "interviews.delete": Route("POST", "community", Role.OPERATOR, I),
    "interviews.add_highlight": Route(
        "POST", "community", Role.OPERATOR, I,
        lambda w: {"paragraph": "1", "offset": "0", "quote": "正经讨论", "tags": "广告"}),
    "interviews.update_highlight": Route(
        "POST", "community", Role.OPERATOR, lambda w: I(w, highlight_id=w.highlight.id),
        lambda w: {"tags": "痛点", "sentiment": "-1"}),
    "interviews.delete_highlight": Route(
        "POST", "community", Role.OPERATOR, lambda w: I(w, highlight_id=w.highlight.id)),
    "interviews.highlights": Route("GET", "community", Role.OPERATOR, A),
    "interviews.guides": Route("GET", "community", Role.OPERATOR, A),
    "interviews.edit_guide": Route("GET", "community", Role.OPERATOR,
                                   lambda w: {**A(w), "guide_id": w.guide.id}),
    "interviews.delete_guide": Route("POST", "community", Role.OPERATOR,
                                     lambda w: {**A(w), "guide_id": w.guide.id}),
})



def K(w, **extra):
    return {**A(w), "key": w.theme.key, **extra}


ROUTES.update({
    # The insight workspace: operators and above; members never see it.
    "insights.overview_page": Route("GET", "community", Role.OPERATOR, A),
    "insights.period_cloud": Route("GET", "community", Role.OPERATOR, A),
    "insights.theme": Route("GET", "community", Role.OPERATOR, K),
    "insights.theme_cloud": Route("GET", "community", Role.OPERATOR, K),
    "insights.inbox_page": Route("GET", "community", Role.OPERATOR, A),
    "insights.queue": Route("GET", "community", Role.OPERATOR, A),
    "insights.corrections_page": Route("GET", "community", Role.OPERATOR, A),
    "insights.runs": Route("GET", "community", Role.OPERATOR, A),
    "insights.run_status": Route("GET", "community", Role.OPERATOR,
                                 lambda w: {**A(w), "run_id": w.insight_run.id}),
    "insights.alerts_page": Route("GET", "community", Role.OPERATOR, A),
    "insights.codeframe_page": Route("GET", "community", Role.OPERATOR, A),
    "insights.codeframe_rename": Route("POST", "community", Role.OPERATOR,
                                       lambda w: {**A(w), "key": "spam"},
                                       lambda w: {"name": "广告与拉人"}),
    "insights.codeframe_toggle": Route("POST", "community", Role.OPERATOR,
                                       lambda w: {**A(w), "key": "pricing"},
                                       lambda w: {"enabled": "0"}),
    "insights.codeframe_phrases": Route("POST", "community", Role.OPERATOR,
                                        lambda w: {**A(w), "key": "response"},
                                        lambda w: {"phrases": "交了作业没人看"}),
    "insights.codeframe_add": Route("POST", "community", Role.OPERATOR, A,
                                    lambda w: {"name": "副本掉落", "phrases": "掉率低\n不出货"}),
    "insights.rename": Route("POST", "community", Role.OPERATOR, K,
                             lambda w: {"name": "广告治理"}),
    "insights.merge": Route("POST", "community", Role.OPERATOR, K, lambda w: {"target": "2"}),
    "insights.split": Route("POST", "community", Role.OPERATOR, K, lambda w: {"parts": "2"}),
    "insights.archive": Route("POST", "community", Role.OPERATOR, K),
    "insights.restore": Route("POST", "community", Role.OPERATOR, K),
    "insights.act": Route("POST", "community", Role.OPERATOR, K,
                          lambda w: {"note": "新成员入群先审核", "title": "新人入群审核上线"}),
    "insights.seed": Route("POST", "community", Role.OPERATOR, A,
                           lambda w: {"name": "二维码", "words": "二维码"}),
    "insights.set_sentiment": Route("POST", "community", Role.OPERATOR,
                                    lambda w: {**A(w), "item_id": w.item.id},
                                    lambda w: {"label": "1"}),
    "insights.move": Route("POST", "community", Role.OPERATOR, A,
                           lambda w: {"items": [str(w.item.id)], "target": "2"}),
    "insights.tags": Route("POST", "community", Role.OPERATOR,
                           lambda w: {**A(w), "item_id": w.item.id}, lambda w: {"tags": "待跟进"}),
    "insights.undo": Route("POST", "community", Role.OPERATOR,
                           lambda w: {**A(w), "correction_id": w.correction.id}),
    "insights.start_run": Route("POST", "community", Role.OPERATOR, A),
    "insights.retry_run": Route("POST", "community", Role.OPERATOR,
                                lambda w: {**A(w), "run_id": w.failed_run.id}),
    "insights.acknowledge": Route("POST", "community", Role.OPERATOR,
                                  lambda w: {**A(w), "alert_id": w.alert.id}),
    "api.insight_themes": Route("GET", "api", Role.OPERATOR),
    "api.insight_theme_items": Route("GET", "api", Role.OPERATOR,
                                     lambda w: {"key": w.theme.key}),
    "api.insight_correct": Route("POST", "api", Role.OPERATOR),
    "api.insight_undo": Route("POST", "api", Role.OPERATOR,
                              lambda w: {"correction_id": w.correction.id}),
    "api.insight_run": Route("POST", "api", Role.OPERATOR),
})

# Per-object rules stricter than the route's role, as (endpoint, caller) -> expected status.
OBJECT_RULES: dict[tuple[str, str], int] = {
    # An operator may only revoke their own tokens; the world's token belongs to the operator.
    ("community.revoke_token", "manager"): 403,
    # admin.retry of a job that does not exist.
    ("admin.retry", "superuser"): 404,
    # Only the author edits or answers on their own suggestion's page (it is the member's);
    # for anybody else it does not exist.
    **{(endpoint, caller): 404 for endpoint in ("suggestions.edit", "suggestions.answer")
       for caller in ("operator", "manager", "admin", "superuser")},
    # Insight objects of community A do not exist for community B's token.
    ("api.insight_theme_items", "outsider"): 404,
    ("api.insight_undo", "outsider"): 404,
    # Only the author deletes their own comment (the world's comment is the member's).
    **{("suggestions.delete_comment", caller): 403
       for caller in ("operator", "manager", "admin", "superuser")},
    # A token of community B cannot see community A's surveys.
    **{(endpoint, "outsider"): 404 for endpoint in (
        "api.survey_detail", "api.survey_submit", "api.survey_responses", "api.survey_export",
        "api.survey_statistics")},
}


def expected(route: Route, caller: str, endpoint: str) -> str | int:
    """What a caller should get: 'allowed', 'login', or a status code."""
    if (endpoint, caller) in OBJECT_RULES:
        return OBJECT_RULES[(endpoint, caller)]
    if route.policy == "public" or route.policy == "public_community":
        return "allowed"
    if route.policy == "api":
        if caller in ("anonymous", "superuser"):
            return 401
        if caller == "outsider":
            return "allowed"  # an outsider's token only ever sees community B
        return "allowed" if Role(caller).at_least(route.min_role) else 403
    if caller == "anonymous":
        return "login"
    if route.policy == "login":
        return "allowed"
    if route.policy == "superuser":
        return "allowed" if caller == "superuser" else 403
    # community routes
    if caller == "superuser":
        return "allowed"
    if caller == "outsider":
        return 404
    return "allowed" if Role(caller).at_least(route.min_role) else 403


def call(app, client, world, endpoint: str, route: Route, caller: str):
    """Make the request as the caller."""
    from flask import url_for

    with app.test_request_context():
        url = url_for(endpoint, **route.params(world))
    headers = {}
    if caller != "anonymous":
        if route.policy == "api":
            if caller in world.tokens:
                headers["Authorization"] = f"Bearer {world.tokens[caller]}"
        else:
            sign_in(client, world.users[caller])
    if route.method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, data=route.data(world), headers=headers)


def check(response, outcome, policy: str) -> str | None:
    """None if the response matches the expected outcome, else a description."""
    location = response.headers.get("Location", "")
    got_login = response.status_code in (301, 302, 303) and "/auth/login" in location
    if outcome == "login":
        if got_login:
            return None
        return f"expected a login redirect, got {response.status_code} {location}"
    if outcome == "allowed":
        # Public pages may send visitors on to the login page themselves (the home page does).
        denied_by_login = got_login and policy not in ("public", "public_community")
        if denied_by_login or response.status_code in (401, 403, 404, 429):
            return f"expected access, got {response.status_code} {location}"
        return None
    if response.status_code != outcome:
        return f"expected {outcome}, got {response.status_code} {location}"
    return None


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "routes without an access specification"
    assert set(ROUTES) - endpoints == set(), "specified routes that do not exist"


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_view_declares_the_specified_policy(app, endpoint):
    view = app.view_functions[endpoint]
    route = ROUTES[endpoint]
    if endpoint == "static":
        return
    policy = getattr(view, "access", None)
    assert policy is not None, f"{endpoint} has no access decorator"
    assert policy.kind == route.policy
    assert policy.min_role == route.min_role


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_access_for_every_caller(app, db, endpoint):
    route = ROUTES[endpoint]
    failures = []
    world = None
    changed = True
    for caller in CALLERS:
        # Pages (GET) and refused POSTs change nothing, so callers share a world until a POST
        # was allowed; then the next caller gets a fresh one, so that one caller's change
        # cannot decide the next caller's outcome.
        if changed:
            if world is not None:
                db.session.remove()
                _clear_tables(db.engine, db.metadata)
            world = build_world()
        client = app.test_client()
        response = call(app, client, world, endpoint, route, caller)
        outcome = expected(route, caller, endpoint)
        problem = check(response, outcome, route.policy)
        if problem:
            failures.append(f"{caller}: {problem}")
        changed = route.method != "GET" and outcome == "allowed"
    db.session.remove()
    _clear_tables(db.engine, db.metadata)
    assert failures == []
