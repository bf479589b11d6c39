"""``flask users create`` makes site admins and community members."""

from app.models import Membership, User
from app.security.passwords import verify_password


def test_create_site_admin(app, db):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "Boss@Example.org", "--role", "admin",
        "--password", "a-long-password-1",
    ])
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User).where(User.email == "boss@example.org")).scalar_one()
    assert user.is_superuser
    assert verify_password(user.password_hash, "a-long-password-1")


def test_create_operator_in_a_community(app, db, community):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "op@example.org", "--role", "operator",
        "--community", community.slug, "--password", "a-long-password-1",
    ])
    assert result.exit_code == 0, result.output
    membership = db.session.execute(db.select(Membership)).scalar_one()
    assert membership.role == "operator" and membership.community_id == community.id


def test_clear_errors_for_bad_input(app, db, community):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["users", "create", "--email", "x@example.org", "--role",
                               "admin", "--password", "short"])
    assert weak.exit_code != 0 and "密码至少需要" in weak.output
    missing = runner.invoke(args=["users", "create", "--email", "x@example.org", "--role",
                                  "member", "--password", "a-long-password-1"])
    assert missing.exit_code != 0 and "--community" in missing.output
    unknown = runner.invoke(args=["users", "create", "--email", "x@example.org", "--role",
                                  "member", "--community", "nope", "--password",
                                  "a-long-password-1"])
    assert unknown.exit_code != 0 and "no community" in unknown.output
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 0
