"""The community navigation shell. Each capability registers its entry here."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.security.roles import Role


@dataclass(frozen=True)
class NavItem:
    """One link in the community navigation."""

    key: str
    label: object
    endpoint: str
    min_role: Role
    # Extra URL arguments besides the community slug.
    args: tuple[tuple[str, str], ...] = ()
    # Entries for members only (the team has its own working pages instead).
    max_role: Role | None = None

    def url(self, slug: str) -> str:
        """The link target inside the community."""
        return url_for(self.endpoint, slug=slug, **dict(self.args))


NAV_ITEMS: list[NavItem] = [
    NavItem("home", _l("概览"), "community.home", Role.MEMBER),
    NavItem("box", _l("意见箱"), "suggestions.box", Role.MEMBER, max_role=Role.MEMBER),
    NavItem("my_suggestions", _l("我的建议"), "suggestions.mine", Role.MEMBER,
            max_role=Role.MEMBER),
    NavItem("changelog", _l("你说我改"), "suggestions.changelog", Role.MEMBER,
            max_role=Role.MEMBER),
    # Operators manage surveys there; members see the surveys open to them.
    NavItem("surveys", _l("问卷"), "surveys.index", Role.MEMBER),
    NavItem("suggestions", _l("意见箱"), "suggestions.inbox", Role.OPERATOR),
    NavItem("interviews", _l("用户访谈"), "interviews.index", Role.OPERATOR),
    NavItem("insights", _l("洞察"), "insights.overview_page", Role.OPERATOR),
    NavItem("metrics", _l("数据"), "metrics.index", Role.OPERATOR),
    NavItem("reports", _l("改进报告"), "reports.index", Role.MANAGER),
    NavItem("members", _l("成员"), "community.members", Role.OPERATOR),
    NavItem("notifications", _l("通知"), "notifications.index", Role.MEMBER),
    NavItem("settings", _l("设置"), "community.settings", Role.ADMIN),
]

def nav_for(community, role: Role | None) -> list[tuple[NavItem, str]]:
    """The entries (with URLs) that this role may see in this community."""
    if role is None:
        return []
    return [
        (item, item.url(community.slug)) for item in NAV_ITEMS
        if role.at_least(item.min_role)
        and (item.max_role is None or item.max_role.at_least(role))
    ]
