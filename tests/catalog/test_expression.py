from __future__ import annotations

import pytest

from zhengan.catalog.expression import ExpressionError, evaluate, names, parse


def test_precedence_not_over_and_over_or():
    facts = {"a": True, "b": False, "c": True}
    assert evaluate("a and b or c", facts) is True
    assert evaluate("a and (b or not c)", facts) is False
    assert evaluate("not b and c", facts) is True
    assert names(parse("a and (b or not c)")) == {"a", "b", "c"}


@pytest.mark.parametrize("bad", ["", "a and", "(a or b", "a b", "a or or b", "A", "a; b"])
def test_malformed_expressions_are_refused(bad):
    with pytest.raises(ExpressionError):
        parse(bad)


def test_an_unknown_name_is_a_key_error_at_evaluation():
    with pytest.raises(KeyError):
        evaluate("nope", {"a": True})
