"""The member-facing survey pages at ``/s/<public key>``: public links, channel links
(``?ch=``), invitation links (``?t=``) and resume links."""

from flask import Blueprint

respond_bp = Blueprint("respond", __name__, url_prefix="/s")



@respond_bp.app_template_filter("enumerate_from")
def enumerate_from(values, start: int = 1):
    """``[(start, v0), (start + 1, v1), …]`` for scale labels."""
    return list(enumerate(values, start=start))


@respond_bp.app_template_filter("trimnum")
def trimnum(value) -> str:
    """A number without a trailing ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


from app.blueprints.respond import views  # noqa: E402,F401
