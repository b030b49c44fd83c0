"""The lexicon: the genre's wordings in one file, and phrasings read from it."""
from __future__ import annotations

from decimal import Decimal

import pytest

from checker.extract import extract, lexicon as lexicon_module
from checker.extract.lexicon import alternation, entry, lexicon, words
from checker.model import Document, Line


def doc_of(text: str) -> Document:
    return Document("t.txt", "txt", [Line(1, line) for line in text.splitlines()])


def facts_of(text: str, kind: str):
    return [f for f in extract(doc_of(text)) if f.kind == kind]


def test_every_word_list_is_a_list_of_strings():
    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(node, list) and all(isinstance(w, (list, dict)) for w in node):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")
        elif isinstance(node, list):
            assert node and all(isinstance(w, str) and w for w in node), path
            assert len(set(node)) == len(node), f"{path}: a word twice"
        else:
            assert isinstance(node, str) and node, path
    walk(lexicon(), "")


def test_longest_wording_first():
    assert words("grade.words")[0] == "不合格"
    assert alternation("budget.full_year").index("调整后预算数") < alternation("budget.full_year").index("调整预算数")


@pytest.mark.parametrize("sentence, grade", [
    ("经自评，综合得分92分，评价等次为“优”。", "优"),
    ("自评得分85分，等次为良。", "良"),
    ("本项目自评得分95分，评定为“优秀”。", "优"),
    ("自评等级：中。", "中"),
])
def test_grade_phrasings(sentence, grade):
    [se] = facts_of("某局2023年度部门整体支出绩效自评报告\n" + sentence, "self_evaluation")
    assert se.fields["grade_stated"] == grade


def test_a_new_label_is_one_line_in_the_lexicon(monkeypatch):
    text = "某局2023年度部门整体支出绩效自评报告\n部门整体核定数500.00万元，全年预算数520.00万元，决算数510.00万元。\n"
    [before] = facts_of(text, "budget")
    assert "initial" not in before.fields
    data = {**lexicon(), "budget": {**entry("budget"), "initial": [*entry("budget.initial"), "核定数"]}}
    monkeypatch.setattr(lexicon_module, "lexicon", lambda: data)
    from checker.extract import figures
    figures._pattern.cache_clear()
    monkeypatch.setattr(figures, "lexicon", lambda: data)
    try:
        [after] = facts_of(text, "budget")
        assert after.fields["initial"].value == 500
    finally:
        figures._pattern.cache_clear()


def test_a_stray_space_after_the_decimal_point():
    [budget] = facts_of("某局2023年度部门整体支出绩效自评报告\n部门整体年初预算数682. 66万元，全年预算数700.00万元。", "budget")
    assert str(budget.fields["initial"].value) == "682.66"


def test_unit_names_with_and_inside_an_enumeration():
    text = ("某局2023年度部门整体支出绩效自评报告\n下属事业单位3个，分别是文化馆、图书馆和文物管理所。"
            "内设机构2个，分别是办公室和文化和旅游股。\n")
    enumerations = {f.fields["label"][-6:]: f.fields["items"] for f in facts_of(text, "enumeration")}
    assert enumerations["下属事业单位"] == "文化馆、图书馆、文物管理所"
    assert not any(label.endswith("内设机构") for label in enumerations)  # 和 inside a name: not read rather than counted as three


def test_labels_read_by_keywords_when_no_exact_wording_matches():
    text = ("某局2023年度部门整体支出绩效自评报告\n一 部门整体支出情况\n"
            "2023年年初批复预算1,000.00万元（基本支出400.00万元，项目支出600.00万元）。"
            "全年实际支出数950.00万元，其中基本支出400.00万元。\n"
            "二 项目情况\n①“就业补助资金”项目。该项目年初批复200.00万元，调整后为180.00万元，全年支出170.00万元。\n")
    [budget] = facts_of(text, "budget")
    assert budget.anchor == "header"  # the heading names the scope; the clause does not
    assert (budget.fields["initial"].value, budget.fields["final"].value) == (1000, 950)
    [project] = facts_of(text, "project")
    assert project.fields["name"] == "就业补助资金" and project.fields["ordinal"] == 1
    assert [project.fields[k].value for k in ("initial", "adjusted", "spent")] == [200, 180, 170]


def test_a_part_after_qizhong_is_no_figure_of_its_own():
    from checker.extract.figures import find_figures
    figures = find_figures("项目资金总预算为2455.5万元，其中部门预算项目支出87.5万元，专项预算支出2350万元。", "project")
    assert [(f.field, str(f.value.value)) for f in figures] == [("initial", "2455.5")]


@pytest.mark.parametrize("sentence", [
    "自评得分98.34分，具体为：产出指标得分57.74分（分值60分）、效益指标得分18.60分（分值20分）、"
    "满意度指标得分10分（分值10分）、预算执行率得分10分（分值10分）。",
    "自评得分98.34分，各部分得分：产出指标60分，得57.74分、效益指标20分，得18.60分、满意度指标10分，得10分、"
    "预算执行率10分，得10分。",
])
def test_the_total_score_broken_down_by_part(sentence):
    facts = extract(doc_of("某局2023年度部门整体支出绩效自评报告\n" + sentence))
    groups = {f.fields["name"]: (f.fields["full_marks"].value, f.fields["score"].value)
              for f in facts if f.kind == "indicator_group" and "full_marks" in f.fields}
    assert groups == {"产出": (60, Decimal("57.74")), "效益": (20, Decimal("18.60")), "满意度": (10, 10)}
    [execution] = [f for f in facts if f.kind == "execution_score"]
    assert (execution.fields["weight"].value, execution.fields["score"].value) == (10, 10)


@pytest.mark.parametrize("sentence, done, total, rate", [
    ("2024年我单位共有项目17个，全部纳入绩效自评范围，自评项目16个，自评覆盖率100%。", 16, 17, 100),
    ("纳入自评范围的项目共4个（项目总数6个），自评覆盖率为100.0%。", 4, 6, 100),
    ("本次对11个项目开展了绩效自评，占项目总数13个的84.62%。", 11, 13, Decimal("84.62")),
])
def test_coverage_counts_come_from_the_coverage_sentence(sentence, done, total, rate):
    text = "某局2023年度部门整体支出绩效自评报告\n2023年重点实施项目5个。\n" + sentence
    [se] = facts_of(text, "self_evaluation")
    assert (se.fields["projects_evaluated"].value, se.fields["projects_total"].value) == (done, total)
    assert se.fields["coverage_stated"].value == rate
