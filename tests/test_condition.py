"""The condition language: parsing, positions of errors, types, three-valued evaluation."""
from decimal import Decimal

import pytest

from checker.extract.numbers import parse_value
from checker.rulebook.condition import (
    UNKNOWN, ConditionSyntaxError, Context, check_types, evaluate, parse, parse_quantity_literal, to_text,
)
from checker.rulebook.schema import KINDS

PROJECT = KINDS["project"].dims()


def ev(text, **fields):
    values = {k: (parse_value(v) if isinstance(v, str) and k not in ("name", "explanation") else v) for k, v in fields.items()}
    return evaluate(parse(text), values, PROJECT, Context())


def test_literals_carry_units():
    assert parse_quantity_literal("95%").point == Decimal(95)
    assert parse_quantity_literal("300元").point == Decimal("0.03")  # in 万元
    assert parse_quantity_literal("1.2亿元").point == Decimal(12000)


def test_rounding_tolerance_sums_over_terms():
    # the example's 1,465.65 + 15,264.86 = 16,730.51 vs stated 16,730.50 is rounding
    facts = {"initial": "1465.65万元", "adjustment": "15264.86万元", "adjusted": "16730.50万元"}
    assert ev("initial + adjustment != adjusted", **facts) is False
    facts["adjusted"] = "16730.48万元"
    assert ev("initial + adjustment != adjusted", **facts) is True


def test_rate_equals_ratio_rounded_to_written_precision():
    assert ev("rate_stated != pct(spent, initial)", rate_stated="92.09%", spent="329.67万元", initial="358万元") is False
    assert ev("rate_stated != pct(spent, initial)", rate_stated="92.10%", spent="329.67万元", initial="358万元") is True
    # "100%" written without decimals stands for [99.5, 100.5)
    assert ev("rate_stated != pct(spent, adjusted)", rate_stated="100%", spent="1062.77万元", adjusted="1062.78万元") is False


def test_missing_field_is_unknown_not_false():
    assert ev("rate_stated < 95%") is UNKNOWN
    assert ev("rate_stated < 95% and missing explanation", explanation="由于……") is False  # false wins in and
    assert ev("rate_stated < 95% or exists explanation", explanation="由于……") is True  # true wins in or
    assert ev("not (rate_stated < 95%)") is UNKNOWN


def test_coalesce_and_functions():
    assert ev("coalesce(adjusted, initial) == 358万元", initial="358万元") is True
    assert evaluate(parse('grade_band(score_total) == "良"'), {"score_total": parse_value("89.5分")},
                    KINDS["self_evaluation"].dims()) is True


def test_chinese_keywords():
    assert ev("rate_stated < 95% 且 缺少 explanation", rate_stated="80%") is True


@pytest.mark.parametrize("text,column", [
    ("rate_stated < < 95%", 15),
    ("rate_stated < 95% and", 22),
    ("rate_stated # 5", 13),
])
def test_syntax_errors_point_at_the_spot(text, column):
    with pytest.raises(ConditionSyntaxError) as info:
        parse(text)
    assert info.value.column == column


def test_unknown_field_suggests_the_right_one():
    problems = check_types(parse("rate_stat < 95%"), PROJECT)
    assert len(problems) == 1 and "rate_stated" in problems[0].message and problems[0].column == 1


def test_type_errors():
    assert check_types(parse("initial < 95%"), PROJECT)  # money vs percent
    assert check_types(parse("initial + rate_stated > 1万元"), PROJECT)
    assert check_types(parse("initial + 1"), PROJECT)  # not a condition
    assert not check_types(parse("initial * 2 > adjusted"), PROJECT)


def test_printing_round_trips():
    node = parse("rate_stated < 95% and (missing explanation or name in [\"甲\", \"乙\"])")
    assert parse(to_text(node)) == node
