"""Derive: unit anomalies by magnitude in context, budget composition facts."""
from decimal import Decimal

from checker.derive import budget_compositions, mark_unit_anomalies
from checker.extract import extract
from checker.extract.facts import Owned
from checker.extract.numbers import money
from checker.model import Document, Fact, Line


def amount(num, unit, group="g", owner=None):
    q = money(num, unit)
    return Fact("amount", "测试", {"value": q, "unit_written": unit, "label": "预算"}, [], "t",
                meta={"group": group, "owner": owner})


def test_yuan_among_wan_is_an_anomaly_and_the_owner_is_read_as_meant():
    project = Fact("project", "项目", {"initial": money("2655.11", "元")}, [], "t")
    odd = amount("2655.11", "元", owner=Owned(project, "initial", "年初预算", "g"))
    facts = [odd, amount("592.33", "万元"), amount("1,062.78", "万元"), amount("1,062.77", "万元")]
    mark_unit_anomalies(facts)
    assert odd.fields["unit_anomaly"] is True and odd.fields["meant_unit"] == "万元"
    assert project.fields["initial"].value == Decimal("2655.11") and project.fields["initial"].written == "2655.11元"
    assert all(f.fields["unit_anomaly"] is False for f in facts[1:])


def test_wan_among_yuan_is_an_anomaly_too():
    facts = [amount("358,398.46", "万元"), amount("120,000.00", "元"), amount("356,000", "元"), amount("98,500.50", "元")]
    mark_unit_anomalies(facts)
    assert facts[0].fields["unit_anomaly"] is True and facts[0].fields["meant_unit"] == "元"


def test_small_yuan_amount_that_fits_no_unit_is_left_alone():
    # 50元 per person among 万元 totals: as 万元 it would be 50万元, not near 5,000万元 either
    facts = [amount("50", "元"), amount("5,000", "万元"), amount("4,800", "万元"), amount("5,200", "万元")]
    mark_unit_anomalies(facts)
    assert facts[0].fields["unit_anomaly"] is False


def test_too_little_context_is_not_judged():
    facts = [amount("2655.11", "元"), amount("100", "万元")]
    mark_unit_anomalies(facts)
    assert "unit_anomaly" not in facts[0].fields


def test_composition_facts_per_column():
    def budget(scope, *values):
        keys = ("initial", "full_year", "final")
        return Fact("budget", scope, {"scope": scope, **{k: money(v, "万元") for k, v in zip(keys, values)}}, [], "t")

    facts = [budget("部门整体", "14,416.56", "16,928.47", "16,730.50"), budget("基本支出", "1,422.84", "1,512.77", "1,465.65"),
             budget("项目支出", "12,993.72", "15,415.70", "15,264.86")]
    comps = budget_compositions(facts)
    assert [c.fields["column"] for c in comps] == ["年初预算数", "全年预算数", "决算数"]
    assert comps[2].fields["basic"].value + comps[2].fields["project"].value == Decimal("16730.51")


def test_a_total_divided_two_ways_gives_both_totals_side_by_side():
    from checker.derive import budget_splits
    from checker.extract.breakdowns import make_breakdown
    from checker.extract.numbers import money

    income = make_breakdown("按收入性质分", money("2030.12", "万元"), [money("1325.68", "万元"), money("704.44", "万元")],
                            ["一般公共预算", "其他资金"], [], "table.form")
    spending = make_breakdown("按支出性质分", money("1925.67", "万元"), [money("900.47", "万元"), money("1025.20", "万元")],
                              ["基本支出", "项目支出"], [], "table.form")
    [split] = budget_splits([income, spending])
    assert (split.fields["first_total"].value, split.fields["second_total"].value) == (Decimal("2030.12"), Decimal("1925.67"))
    assert budget_splits([income]) == []
