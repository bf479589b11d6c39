"""Forms of the member page. Answers are read from the posted fields by the survey domain
(``surveys.answers_from_form``); these forms carry the CSRF token and the page state."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Length, Optional


class StartForm(FlaskForm):
    """Start answering (from the welcome screen), keeping the channel and invitation."""

    ch = HiddenField(validators=[Optional(), Length(max=64)])
    t = HiddenField(validators=[Optional(), Length(max=100)])


class PageForm(FlaskForm):
    """One page of answers: which page, what to do, and the submission's idempotency key."""

    page = HiddenField(validators=[Length(max=40)])
    action = HiddenField(validators=[Optional(), Length(max=10)])
    idem = HiddenField(validators=[Optional(), Length(max=80)])
