"""A single-use invitation accepted by ten people at the same moment lets exactly one in."""

from __future__ import annotations

import threading

from app.models import Membership
from app.security.roles import Role
from app.services.accounts import users as accounts
from app.services.errors import ServiceError
from tests.factories import make_member, make_user

PEOPLE = 10


def test_a_single_use_link_accepted_at_once_admits_one_person(app, db, community):
    admin = make_member(community, "admin")
    issued = accounts.create_invitation(community, Role.ADMIN, actor=admin, max_uses=1)
    people = [make_user() for _ in range(PEOPLE)]
    db.session.commit()
    user_ids = [p.id for p in people]
    token = issued.token
    start = threading.Barrier(PEOPLE)
    outcomes: list[str] = []

    def accept(user_id: int) -> None:
        with app.app_context():
            from app.extensions import db as thread_db
            from app.models import User

            try:
                user = thread_db.session.get(User, user_id)
                invitation = accounts.find_invitation(token)
                start.wait(timeout=10)
                accounts.accept_invitation(invitation, user)
                thread_db.session.commit()
                outcomes.append("joined")
            except ServiceError:
                thread_db.session.rollback()
                outcomes.append("refused")
            finally:
                thread_db.session.remove()

    threads = [threading.Thread(target=accept, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["joined"] + ["refused"] * (PEOPLE - 1)
    db.session.expire_all()
    admins = db.session.execute(db.select(Membership).where(
        Membership.community_id == community.id, Membership.user_id.in_(user_ids))
    ).scalars().all()
    assert len(admins) == 1
    invitation = accounts.list_invitations(community)[0]
    assert invitation.use_count == 1 and not invitation.is_usable()


def test_a_used_up_link_refuses_the_next_person(app, db, community):
    admin = make_member(community, "admin")
    issued = accounts.create_invitation(community, Role.MEMBER, actor=admin, max_uses=2)
    first, second, third = make_user(), make_user(), make_user()
    db.session.commit()
    for person in (first, second):
        accounts.accept_invitation(issued.invitation, person)
        db.session.commit()
    try:
        accounts.accept_invitation(issued.invitation, third)
    except ServiceError as exc:
        assert exc.code == "invitation_invalid"
    else:
        raise AssertionError("a used-up link admitted a third person")
