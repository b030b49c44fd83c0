"""Derive: unit measures judged by budget.unit-anomaly (thresholds in the profile), budget composition facts."""
from dataclasses import replace
from decimal import Decimal

from checker.derive import budget_compositions, derive, measure_units
from checker.evaluate import compile_pack, evaluate_document
from checker.extract import extract
from checker.extract.facts import Owned
from checker.extract.numbers import money
from checker.model import Document, Fact, Line, Quantity
from checker.rulebook.condition import Num


def amount(num, unit, group="g", owner=None, fid=0):
    q = money(num, unit)
    return Fact("amount", "测试", {"value": q, "unit_written": unit, "label": "预算"}, [], "t",
                fid=fid, meta={"group": group, "owner": owner})


def numbered(facts):
    for i, f in enumerate(facts, 1):
        f.fid = i
    return facts


def anomalies(cpack, facts):
    """The amounts budget.unit-anomaly fires on (the engine decides), and the findings' facts."""
    measure_units(facts)
    evaluation = evaluate_document(cpack, facts, "项目")
    return {f.subject for f in facts if ("budget.unit-anomaly", f.fid) in evaluation.fired}, evaluation.findings


def test_yuan_among_wan_is_an_anomaly_and_the_owner_is_read_as_meant(cpack):
    project = Fact("project", "项目", {"name": "甲", "initial": money("2655.11", "元"), "adjustment": money("-592.33", "万元"),
                                       "adjusted": money("2,062.78", "万元")}, [], "t")
    odd = amount("2655.11", "元", owner=Owned(project, "initial", "年初预算", "g"))
    odd.subject = "年初预算"
    facts = numbered([odd, amount("592.33", "万元"), amount("1,062.78", "万元"), amount("1,062.77", "万元"), project])
    found, findings = anomalies(cpack, facts)
    assert found == {"年初预算"} and odd.fields["meant_unit"] == "万元"
    # read as meant for the other rules: 2655.11万元 - 592.33 = 2062.78, no arithmetic error
    assert not [f for f in findings if f.rule == "budget.adjustment-arithmetic" and f.outcome == "fired"]
    # the facts given stay as read (a cached fact list is checked under other profiles too)
    assert project.fields["initial"].value == Decimal("0.265511")


def test_wan_among_yuan_is_an_anomaly_too(cpack):
    facts = numbered([amount("358,398.46", "万元"), amount("120,000.00", "元"), amount("356,000", "元"), amount("98,500.50", "元")])
    facts[0].subject = "异常"
    assert anomalies(cpack, facts)[0] == {"异常"} and facts[0].fields["meant_unit"] == "元"


def test_small_yuan_amount_that_fits_no_unit_is_left_alone(cpack):
    # 50元 per person among 万元 totals: as 万元 it would be 50万元, not near 5,000万元 either
    facts = numbered([amount("50", "元"), amount("5,000", "万元"), amount("4,800", "万元"), amount("5,200", "万元")])
    assert anomalies(cpack, facts)[0] == set()


def test_one_neighbour_asks_for_a_nearer_meant_figure(cpack):
    facts = numbered([amount("2655.11", "元"), amount("100", "万元")])  # as 万元: 26x the one neighbour
    assert anomalies(cpack, facts)[0] == set() and facts[0].fields["unit_context"] == "相邻一处或全文"
    facts = numbered([amount("265.511", "元"), amount("100", "万元")])  # as 万元: 2.7x
    facts[0].subject = "近"
    assert anomalies(cpack, facts)[0] == {"近"}


def test_no_other_figure_is_no_context():
    facts = numbered([amount("2655.11", "元")])
    measure_units(facts)
    assert "usual_unit" not in facts[0].fields


def test_the_thresholds_are_the_profiles(pack):
    """budget.unit-anomaly's thresholds are settings of profiles/national.yaml: changing one changes the finding."""
    from checker.profile import load_profile

    profile = load_profile("national")
    facts = numbered([amount("2655.11", "元"), amount("592.33", "万元"), amount("1,062.78", "万元"), amount("1,062.77", "万元")])
    facts[0].subject = "年初预算"
    assert anomalies(compile_pack(pack, profile), facts)[0] == {"年初预算"}  # about 4 orders of magnitude apart
    strict = replace(profile, params={**profile.params, "unit_far_orders": Num(Decimal(5), Decimal(0), "number")},
                     digest=profile.digest + "-strict")  # the digest names the engine ruleset
    assert anomalies(compile_pack(pack, strict), facts)[0] == set()


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


def _row(name, weight, score, level1=""):
    fields = {"name": name, "weight": Quantity(Decimal(weight), 0, "分"), "score": Quantity(Decimal(score), 2, "分")}
    if level1:
        fields["level1"] = level1
    return Fact("indicator", name, fields, [], "t")


def test_a_table_without_level_columns_is_one_part_of_the_total():
    """指标名称 | … | 分值 | 得分 with no group column: its rows together are the indicators' part, beside
    the execution score; a row naming its group, or a row without a score, leaves the parts unsummed."""
    from checker.derive import summarise_scores

    def parts(rows):
        se = Fact("self_evaluation", "绩效自评", {"score_total": Quantity(Decimal("97.5"), 1, "分")}, [], "t")
        execution = Fact("execution_score", "预算执行率得分", {"weight": Quantity(Decimal(10), 0, "分"),
                                                          "score": Quantity(Decimal("9.5"), 1, "分")}, [], "t")
        summarise_scores([se, execution, *rows])
        return se.fields.get("parts_full_marks"), se.fields.get("parts_score")

    full, score = parts([_row("培训人次", 50, 50), _row("满意度", 40, 38)])
    assert (full.value, score.value) == (100, Decimal("97.5"))
    full, _ = parts([_row("培训人次", 50, 50, level1="产出"), _row("满意度", 40, 38)])
    assert full.value == 10  # one row names its group: the rows are no one part
    rows = [_row("培训人次", 50, 50), _row("满意度", 40, 38)]
    del rows[1].fields["score"]
    assert parts(rows)[0].value == 10


def test_the_direction_of_an_indicator_without_a_sign():
    """No sign and no 指标性质: a name the lexicon says is better lower (受害率) is met below its target;
    反向 says so too; others are better higher."""
    from checker.derive import measure_indicators

    def shortfall(name, direction=""):
        fields = {"name": name, "target": Quantity(Decimal("0.9"), 1, "%"), "achieved": Quantity(Decimal(0), 0, "%")}
        if direction:
            fields["direction"] = direction
        fact = Fact("indicator", name, fields, [], "t")
        measure_indicators([fact])
        return fact.fields["shortfall"].value

    assert shortfall("森林火灾受害率") < 0 and shortfall("培训覆盖率", "反向") < 0
    assert shortfall("培训覆盖率") > 0 and shortfall("森林火灾受害率", "≥") > 0


def test_every_fact_has_its_own_number_after_derive():
    """The engine tells facts apart by number: the level-1 groups only a table's rows show (no prose names
    them) were all numbered 0, and one group's verdict became the others'."""
    from checker.derive import derive

    from checker.ingest.text import pipe_tables

    rows = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "管护水库座数", "26座", "26座", "30", "32"],
            ["效益指标", "社会效益指标", "保障灌溉面积", "≥8.5万亩", "8.6万亩", "30", "27"],
            ["满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "92%", "10", "9"]]
    lines = [Line(1, "某县水利局2023年度项目支出绩效自评表")] + [Line(1, "| " + " | ".join(r) + " |") for r in rows]
    facts = derive(extract(Document("t.txt", "txt", lines, pipe_tables(lines))))
    groups = [f for f in facts if f.kind == "indicator_group"]
    assert len(groups) == 3 and len({f.fid for f in facts}) == len(facts)


def test_a_figure_in_the_others_unit_but_ten_thousand_times_them_is_an_anomaly(cpack):
    """"全年实际支出1,587,600.00万元" beside 162.00万元: the 元 digits with 万元 after them; read as meant, the
    rate 98.00 % holds. A figure a few times its neighbours is no slip."""
    text = ("某项目2023年度项目支出绩效自评报告\n一、项目资金情况\n该项目2023年年初预算162.00万元，全年预算数162.00万元。"
            "全年实际支出1,587,600.00万元，预算执行率98.00%。\n")
    facts = derive(extract(Document("t.txt", "txt", [Line(1, x) for x in text.splitlines()], [])))
    found = [f for f in evaluate_document(cpack, facts, "项目").findings if f.outcome == "fired" and f.severity == "error"]
    assert [f.rule for f in found] == ["budget.unit-anomaly"] and "1,587,600.00元" in found[0].message
    fine = text.replace("1,587,600.00万元", "158.76万元").replace("年初预算162.00万元", "年初预算1,620.00万元")
    facts = derive(extract(Document("t.txt", "txt", [Line(1, x) for x in fine.splitlines()], [])))
    assert "budget.unit-anomaly" not in {f.rule for f in evaluate_document(cpack, facts, "项目").findings if f.outcome == "fired"}
