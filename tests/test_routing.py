"""URL rules compile their builders on first use and build exactly what Werkzeug's would."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, PathConverter, Rule

from app import create_app
from app.routing import LazyBuilderRule
from tests.conftest import make_test_config

_SAMPLES = {IntegerConverter: 42, PathConverter: "a/b c/文件.pdf"}


def _values(rule: Rule) -> dict:
    return {name: _SAMPLES.get(type(converter), "值 x/y?")
            for name, converter in rule._converters.items()}


def test_every_route_builds_the_same_url_as_an_eagerly_compiled_rule():
    app = create_app(make_test_config("sqlite://"))
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        assert isinstance(rule, LazyBuilderRule) or rule.endpoint == "static"
        values = _values(rule)
        eager = Rule._compile_builder(rule, False).__get__(rule, None)
        eager_unknown = Rule._compile_builder(rule, True).__get__(rule, None)
        assert rule.build(values, append_unknown=False) == eager(**values), rule.rule
        extra = {**values, "next": "/x?y=1&z=中文", "page": 3, "rule": "r", "self": "s",
                 "append_unknown": "a"}
        assert rule.build(extra) == eager_unknown(**extra), rule.rule
        # The second call goes straight to the compiled builder.
        assert rule.build(extra) == eager_unknown(**extra), rule.rule


def test_url_for_works_inside_a_request():
    app = create_app(make_test_config("sqlite://"))
    with app.test_request_context("/"):
        from flask import url_for

        assert url_for("static", filename="app.css").startswith("/static/app.css")
        assert url_for("surveys.builder", slug="社群", survey_id=7, tab="q") == \
            "/c/%E7%A4%BE%E7%BE%A4/surveys/7/?tab=q"


def test_building_the_app_does_not_compile_url_builders():
    """Compiling ~200 builders eagerly made ``create_app()`` several times slower."""
    app = create_app(make_test_config("sqlite://"))
    compiled = [r for r in app.url_map.iter_rules()
                if isinstance(r, LazyBuilderRule) and "_build" in vars(r)
                and getattr(vars(r)["_build"], "__name__", "") != "build_on_first_use"]
    assert compiled == []
