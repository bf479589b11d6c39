"""Community roles and their order: member < operator < manager < admin."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    """A person's role inside one community."""

    MEMBER = "member"
    OPERATOR = "operator"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in the role order; a higher rank includes the rights of the lower ones."""
        return ROLE_ORDER.index(self)

    def at_least(self, other: Role | str) -> bool:
        """Whether this role has at least the rights of ``other``."""
        return self.rank >= Role(other).rank


ROLE_ORDER: list[Role] = [Role.MEMBER, Role.OPERATOR, Role.MANAGER, Role.ADMIN]

ROLE_LABELS = {
    Role.MEMBER: _l("社群成员"),
    Role.OPERATOR: _l("运营者"),
    Role.MANAGER: _l("管理者"),
    Role.ADMIN: _l("管理员"),
}
