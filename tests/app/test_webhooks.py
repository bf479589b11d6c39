"""Group-chat robots (企业微信, 钉钉, 飞书): set up by a community admin, with the URL checked
and its key never shown back, and messages posted in the background job in each vendor's
JSON, here to a local HTTP server that records what it receives."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.models import AuditEntry, JobRun
from app.notifications import webhooks as robots
from app.services import notifications, webhooks
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import make_suggestion

KEY = "9f8e7d6c-5b4a-3210-fedc-ba9876543210"


class Recorder:
    """What the local robot server received, and how it answers next."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.answer: dict = {"errcode": 0, "errmsg": "ok"}
        self.delay = 0.0
        self.location: str | None = None


@pytest.fixture
def robot_server():
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            recorder.requests.append({"path": self.path, "headers": dict(self.headers),
                                      "json": json.loads(body.decode("utf-8"))})
            if recorder.delay:
                time.sleep(recorder.delay)
            self.send_response(recorder.status)
            if recorder.location:
                self.send_header("Location", recorder.location)
            payload = json.dumps(recorder.answer).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield recorder
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config():
    return {"WEBHOOK_EXTRA_HOSTS": ["127.0.0.1"], "WEBHOOK_TIMEOUT": 1.0,
            "PUBLIC_BASE_URL": "https://feedback.example.cn"}


PATHS = {
    "wecom": f"/cgi-bin/webhook/send?key={KEY}",
    "dingtalk": f"/robot/send?access_token={KEY}",
    "feishu": f"/open-apis/bot/v2/hook/{KEY}",
}


def _hooks(db, community):
    """The community's robots as stored now (requests change them in their own session)."""
    db.session.expire_all()
    return webhooks.list_hooks(community)


def _add_hook(db, community, server, vendor, events=tuple(webhooks.EVENTS)):
    admin = make_member(community, "admin")
    hook = webhooks.add_hook(community, vendor=vendor, name="运营群", url=server.base
                             + PATHS[vendor], events=list(events), actor=admin)
    db.session.commit()
    return hook


def _new_suggestion(db, community, content="群公告太多了，希望每周汇总一次，有事请打 13812345678"):
    member = make_member(community, display_name="王小明")
    db.session.commit()
    suggestion, _code = make_suggestion(community, author=member, title="群公告汇总",
                                        content=content)
    db.session.commit()
    notifications.flush_deliveries()
    return suggestion


def test_a_new_suggestion_reaches_a_wecom_robot_as_markdown(app, db, community, robot_server):
    _add_hook(db, community, robot_server, "wecom")
    suggestion = _new_suggestion(db, community)
    assert len(robot_server.requests) == 1
    sent = robot_server.requests[0]
    assert sent["path"] == PATHS["wecom"]
    assert sent["headers"]["Content-Type"].startswith("application/json")
    payload = sent["json"]
    assert payload["msgtype"] == "markdown"
    content = payload["markdown"]["content"]
    assert content.startswith("### 新建议：群公告汇总")
    assert "希望每周汇总一次" in content
    assert (f"(https://feedback.example.cn/c/{community.slug}/suggestions/{suggestion.id})"
            in content)
    assert "13812345678" not in content, "personal data is redacted before it leaves"
    assert "王小明" not in content, "the author is never named"
    assert _hooks(db, community)[0].last["status"] == "sent"


def test_dingtalk_gets_markdown_with_a_title(app, db, community, robot_server):
    _add_hook(db, community, robot_server, "dingtalk")
    _new_suggestion(db, community)
    payload = robot_server.requests[0]["json"]
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["title"] == "新建议：群公告汇总"
    assert payload["markdown"]["text"].startswith("#### 新建议：群公告汇总")


def test_feishu_gets_a_post_with_a_link(app, db, community, robot_server):
    robot_server.answer = {"code": 0, "msg": "success"}
    _add_hook(db, community, robot_server, "feishu")
    suggestion = _new_suggestion(db, community)
    payload = robot_server.requests[0]["json"]
    assert payload["msg_type"] == "post"
    post = payload["content"]["post"]["zh_cn"]
    assert post["title"] == "新建议：群公告汇总"
    texts = [part for paragraph in post["content"] for part in paragraph]
    assert any(p["tag"] == "text" and "希望每周汇总一次" in p["text"] for p in texts)
    assert {"tag": "a", "text": "查看详情",
            "href": f"https://feedback.example.cn/c/{community.slug}/suggestions/{suggestion.id}"
            } in texts
    assert _hooks(db, community)[0].last["status"] == "sent"


def test_member_markdown_cannot_inject_links(app, db, community, robot_server):
    _add_hook(db, community, robot_server, "wecom")
    _new_suggestion(db, community, content="点这里领奖 [领奖](https://evil.example/x) **快**")
    content = robot_server.requests[0]["json"]["markdown"]["content"]
    assert "](https://evil.example" not in content
    assert "**" not in content


def test_only_the_chosen_events_are_sent(app, db, community, robot_server):
    _add_hook(db, community, robot_server, "wecom", events=["report.ready"])
    _new_suggestion(db, community)
    assert robot_server.requests == []
    assert webhooks.announce(community, "report.ready", title="改进报告已生成：十二月") == 1
    db.session.commit()
    webhooks.flush()
    assert "改进报告已生成" in robot_server.requests[0]["json"]["markdown"]["content"]


def test_insight_alerts_reach_the_robot(app, db, community, robot_server):
    from types import SimpleNamespace

    from app.services.insights import alerts

    _add_hook(db, community, robot_server, "wecom", events=["insight.alert"])
    alert = SimpleNamespace(kind="new_theme", theme_name="直播卡顿", observed=7, theme_key=3)
    alerts._notify(community, [alert])
    db.session.commit()
    alerts.flush_notifications()
    content = robot_server.requests[0]["json"]["markdown"]["content"]
    assert "出现新主题：直播卡顿" in content
    assert f"/c/{community.slug}/insights/themes/3)" in content


def test_refusals_and_errors_are_recorded_and_logged_without_the_key(
        app, db, community, robot_server, caplog):
    _add_hook(db, community, robot_server, "wecom")
    robot_server.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    with caplog.at_level(logging.WARNING, logger="app.services.webhooks"):
        _new_suggestion(db, community)
        assert _hooks(db, community)[0].last["status"] == "failed"
        assert "93000" in _hooks(db, community)[0].last["detail"]
        robot_server.status = 503
        _new_suggestion(db, community)
    run = db.session.execute(db.select(JobRun).where(JobRun.name == "webhooks.deliver")
                             .order_by(JobRun.id.desc())).scalars().first()
    assert run.state == "retrying", "a 503 is worth a retry"
    assert _hooks(db, community)[0].last["detail"].endswith("HTTP 503")
    assert "refused the message" in caplog.text and "will retry" in caplog.text
    assert KEY not in caplog.text and KEY[:8] not in caplog.text
    assert KEY not in (run.error or "") and KEY not in json.dumps(run.params)


def test_a_slow_robot_times_out_quickly(app, db, community, robot_server):
    app.config["WEBHOOK_TIMEOUT"] = 0.3
    robot_server.delay = 1.5
    hook = _add_hook(db, community, robot_server, "wecom")
    started = time.monotonic()
    with pytest.raises(robots.WebhookDeliveryError):
        robots.post("wecom", hook.url, robots.Message("标题"), timeout=0.3)
    assert time.monotonic() - started < 1.2


def test_redirects_are_not_followed(app, db, community, robot_server):
    robot_server.status = 302
    robot_server.location = robot_server.base + "/elsewhere"
    hook = _add_hook(db, community, robot_server, "wecom")
    outcome = robots.post("wecom", hook.url, robots.Message("标题"), timeout=1)
    assert outcome.status == "failed" and outcome.detail == "HTTP 302"
    assert [r["path"] for r in robot_server.requests] == [PATHS["wecom"]]


# --- the settings page -----------------------------------------------------------------------


def test_an_admin_adds_a_robot_and_the_key_is_never_shown(app, db, client, community,
                                                          robot_server):
    admin = make_member(community, "admin")
    db.session.commit()
    sign_in(client, admin)
    url = f"/c/{community.slug}/settings/webhooks"
    assert "群机器人" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"vendor": "wecom", "name": "运营群",
                                      "url": robot_server.base + PATHS["wecom"],
                                      "events": ["suggestion.new", "report.ready"]})
    assert response.status_code == 302
    hook = _hooks(db, community)[0]
    assert hook.events == ("suggestion.new", "report.ready")
    page = client.get(url).get_data(as_text=True)
    assert "运营群" in page and "9f8e****" in page
    assert KEY not in page
    entry = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "webhook.added")).scalar_one()
    assert KEY not in json.dumps(entry.after, ensure_ascii=False)

    client.post(f"{url}/{hook.id}/events", data={"events": ["insight.alert"]})
    assert _hooks(db, community)[0].events == ("insight.alert",)
    client.post(f"{url}/{hook.id}/test")
    assert "回声通知已连通" in robot_server.requests[-1]["json"]["markdown"]["content"]
    client.post(f"{url}/{hook.id}/delete")
    assert _hooks(db, community) == []


@pytest.mark.parametrize(("vendor", "url", "message"), [
    ("wecom", f"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}", "https://"),
    ("wecom", f"https://qyapi.weixin.qq.com.evil.cn/cgi-bin/webhook/send?key={KEY}",
     "qyapi.weixin.qq.com"),
    ("wecom", f"https://oapi.dingtalk.com/robot/send?access_token={KEY}", "qyapi.weixin.qq.com"),
    ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "缺少密钥"),
    ("dingtalk", f"https://oapi.dingtalk.com/other?access_token={KEY}", "这不是"),
    ("dingtalk", f"https://oapi.dingtalk.com:8443/robot/send?access_token={KEY}",
     "oapi.dingtalk.com"),
    ("feishu", f"https://user:pw@open.feishu.cn/open-apis/bot/v2/hook/{KEY}", "格式不正确"),
    ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/", "这不是"),
    ("feishu", "javascript:alert(1)", "格式不正确"),
    ("slack", f"https://open.feishu.cn/open-apis/bot/v2/hook/{KEY}", "请选择机器人所在的平台"),
])
def test_urls_outside_the_vendor_are_refused(app, db, client, community, vendor, url, message):
    admin = make_member(community, "admin")
    db.session.commit()
    sign_in(client, admin)
    response = client.post(f"/c/{community.slug}/settings/webhooks",
                           data={"vendor": vendor, "url": url, "events": ["suggestion.new"]})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _hooks(db, community) == []


def test_vendor_urls_that_are_accepted(app, db, community):
    admin = make_member(community, "admin")
    for vendor, url in [
        ("wecom", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"),
        ("dingtalk", f"https://oapi.dingtalk.com/robot/send?access_token={KEY}"),
        ("feishu", f"https://open.feishu.cn/open-apis/bot/v2/hook/{KEY}"),
        ("feishu", f"https://open.larksuite.com/open-apis/bot/v2/hook/{KEY}"),
    ]:
        webhooks.add_hook(community, vendor=vendor, name="", url=url, events=["report.ready"],
                          actor=admin)
    db.session.commit()
    assert [h.vendor for h in _hooks(db, community)] == [
        "wecom", "dingtalk", "feishu", "feishu"]
    assert all(KEY not in h.masked_url for h in _hooks(db, community))


def test_a_robot_needs_at_least_one_event(app, db, client, community, robot_server):
    sign_in(client, make_member(community, "admin"))
    db.session.commit()
    page = client.post(f"/c/{community.slug}/settings/webhooks",
                       data={"vendor": "wecom", "url": robot_server.base + PATHS["wecom"]})
    assert "请至少选择一类要推送的消息。" in page.get_data(as_text=True)
    assert _hooks(db, community) == []


@pytest.mark.parametrize("role", ["member", "operator", "manager"])
def test_only_admins_manage_robots(app, db, client, community, robot_server, role):
    hook = _add_hook(db, community, robot_server, "wecom")
    sign_in(client, make_member(community, role))
    db.session.commit()
    url = f"/c/{community.slug}/settings/webhooks"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"vendor": "wecom", "url": robot_server.base + PATHS["wecom"],
                                  "events": ["suggestion.new"]}).status_code == 403
    assert client.post(f"{url}/{hook.id}/delete").status_code == 403
    assert client.post(f"{url}/{hook.id}/test").status_code == 403
    assert len(_hooks(db, community)) == 1 and robot_server.requests == []


def test_posts_without_the_csrf_token_are_refused(app, db, client, community, robot_server):
    hook = _add_hook(db, community, robot_server, "wecom")
    sign_in(client, make_member(community, "admin"))
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/c/{community.slug}/settings/webhooks"
    response = client.post(url, data={"vendor": "wecom", "events": ["suggestion.new"],
                                      "url": robot_server.base + PATHS["dingtalk"]})
    assert response.status_code == 400
    assert client.post(f"{url}/{hook.id}/delete").status_code == 400
    assert [h.id for h in _hooks(db, community)] == [hook.id]


def test_communities_are_isolated(app, db, client, community, other_community, robot_server):
    hook = _add_hook(db, community, robot_server, "wecom")
    other_admin = make_member(other_community, "admin")
    db.session.commit()
    sign_in(client, other_admin)
    base = f"/c/{other_community.slug}/settings/webhooks"
    assert client.post(f"{base}/{hook.id}/delete").status_code == 404
    assert client.post(f"{base}/{hook.id}/test").status_code == 404
    assert "9f8e" not in client.get(base).get_data(as_text=True)
    assert client.get(f"/c/{community.slug}/settings/webhooks").status_code == 404
    _new_suggestion(db, other_community)
    assert robot_server.requests == [], "another community's suggestion stays there"
    assert len(_hooks(db, community)) == 1
