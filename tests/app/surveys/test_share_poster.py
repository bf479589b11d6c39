"""The share poster: a PNG with the survey's QR code, title, community and invitation."""

from __future__ import annotations

import io

import segno
from PIL import Image

from tests.app.surveys.helpers import SKIP_SURVEY


def _qr_box(gray: Image.Image) -> tuple[int, int, int, int]:
    """Where the QR code's modules are printed: the box of the poster's only pure black."""
    return gray.point(lambda v: 255 if v < 8 else 0).getbbox()


def test_the_poster_carries_the_channel_link_as_a_readable_qr_code(app, db, client, operator,
                                                                   community, survey_factory):
    from app.blueprints.respond.views import survey_url

    survey = survey_factory(SKIP_SURVEY, channels=[("wx-group-3", "微信3群")])
    response = client.get(f"/c/{community.slug}/surveys/{survey.id}/poster.png?ch=wx-group-3"
                          "&download=1")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "poster.png" in response.headers["Content-Disposition"]
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1080, 1440)

    # Every module of the expected code, sampled at its centre on the poster.
    with app.test_request_context():
        url = survey_url(survey, "wx-group-3")
    assert url.endswith("?ch=wx-group-3")
    matrix = [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]
    gray = image.convert("L")
    left, top, right, bottom = _qr_box(gray)
    size = len(matrix)
    step = (right - left) / size
    assert abs((bottom - top) - (right - left)) <= 2 and step >= 8
    printed = [[gray.getpixel((int(left + (c + .5) * step), int(top + (r + .5) * step))) < 128
                for c in range(size)] for r in range(size)]
    assert printed == matrix


def test_the_poster_words_name_the_survey_community_and_questions(app, db, community,
                                                                  survey_factory):
    from app.blueprints.surveys.views_share import poster_text

    survey = survey_factory(SKIP_SURVEY)
    with app.test_request_context():
        text = poster_text(survey)
    assert text.title == survey.title and text.community == community.name
    assert "共 4 道题" in text.invitation
    assert "匿名" in text.footer


def test_a_long_title_is_cut_with_an_ellipsis_not_overflowing(app):
    from PIL import ImageDraw, ImageFont

    from app.services.surveys.share_poster import _wrap
    from nlp.wordcloud import find_cjk_font

    font = ImageFont.truetype(str(find_cjk_font()), 68)
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    lines = _wrap(draw, "我们想听听你对直播课、打卡积分和线下约拍活动的真实想法" * 4, font, 900, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(draw.textlength(line, font=font) <= 900 for line in lines)
    assert _wrap(draw, "短标题", font, 900, 3) == ["短标题"]
