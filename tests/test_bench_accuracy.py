"""Regression gates on the real corpus (bench/extraction_accuracy.py, bench/corpus_findings.py).

Every document of ../shared/corpus/real and real2 is measured as .txt and as PDF (GATE_LAYOUTS);
a figure worse than the one recorded in bench/accuracy_gates.json fails: recall or precision of
a part × corpus × layout lower, fewer firm inconsistencies found, more false errors. After an
improvement, re-record: `python bench/extraction_accuracy.py --record-gates` and
`python bench/corpus_findings.py --record-gates`. Skips when ../shared/corpus is absent.
"""
from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpus"
NOISE = 1e-9  # floating-point noise only: any real drop fails


def _load(name: str):
    path = REPO / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ea():
    return _load("extraction_accuracy")


@pytest.fixture(scope="module")
def cf(ea):
    return _load("corpus_findings")


@pytest.fixture(scope="module")
def docs(ea):
    if not all((SHARED / corpus).is_dir() for corpus in ea.CORPORA):
        pytest.skip("real corpus ../shared/corpus/{real,real2} not present")
    return ea.documents()


@pytest.fixture(scope="module")
def outcomes(ea, docs, tmp_path_factory):
    return ea.run(docs, ea.GATE_LAYOUTS, tmp_path_factory.mktemp("extraction"))


@pytest.fixture(scope="module")
def results(cf, ea, docs, tmp_path_factory):
    return cf.run(docs, ea.GATE_LAYOUTS, tmp_path_factory.mktemp("findings"))


@pytest.fixture(scope="module")
def gates(ea):
    recorded = ea.read_gates()
    assert {"extraction", "findings"} <= set(recorded), "record the gates: --record-gates on both benches"
    return recorded


# ---------------------------------------------------------------- gates


def test_every_document_is_read_in_every_gate_layout(ea, docs, outcomes):
    assert len(outcomes) == len(docs) * len(ea.GATE_LAYOUTS)
    assert {o.corpus for o in outcomes} == set(ea.CORPORA) and {o.part for o in outcomes} == set(ea.PARTS)
    assert [(o.corpus, o.excerpt, o.layout, o.error) for o in outcomes if o.error] == []


def test_extraction_does_not_fall_below_the_recorded_figures(ea, outcomes, gates):
    now, recorded = ea.gate_figures(outcomes), gates["extraction"]["figures"]
    assert set(now) == set(recorded), "the measured groups changed: re-record the gates"
    drops = [(group, measure, was, now[group][measure]) for group, figures in recorded.items()
             for measure in ("recall", "precision") if (was := figures[measure]) is not None
             and (now[group][measure] is None or now[group][measure] < was - NOISE)]
    assert drops == [], "recall or precision below the recorded figure (group, measure, recorded, now)"


def test_findings_do_not_get_worse_than_recorded(cf, results, gates):
    now, recorded = cf.gate_figures(results), gates["findings"]["figures"]
    assert set(now) == set(recorded), "the measured groups changed: re-record the gates"
    worse = [(group, "firm_found", figures["firm_found"], now[group]["firm_found"]) for group, figures in recorded.items()
             if now[group]["firm_found"] < figures["firm_found"]]
    worse += [(group, key, figures[key], now[group][key]) for group, figures in recorded.items()
              for key in ("false_errors", "crashes") if now[group][key] > figures[key]]
    assert worse == [], "fewer firm inconsistencies found, or more false errors / crashes (group, figure, recorded, now)"


# ---------------------------------------------------------------- the report keeps the held-out part hidden


def test_report_names_no_held_out_document(ea, cf, outcomes, results):
    held_out = {(o.corpus, o.excerpt) for o in outcomes if o.part == "held-out"}
    assert held_out, "the split holds documents out"
    report = ea.render(outcomes) + cf.render(results)
    assert "held-out · real2: per fact family" in report and "held-out: firm inconsistencies by type" in report
    leaked = [f"{c}/{n}" for c, n in held_out if f"**{c}/{n}**" in report]
    assert leaked == []
    with pytest.raises(AssertionError):
        ea.document_details([o for o in outcomes if o.part == "held-out"][:1])


# ---------------------------------------------------------------- reading the truth files (no corpus needed)


def test_packed_real2_values_take_units_from_their_column_labels(ea):
    truth = {"facts": [
        {"key": "安装坡面水标尺 分值/指标值/实际值/得分", "scope": "数量指标", "value": "10 / ≥266米 / ≥266米 / 10",
         "unit": "mixed", "quote": "安装坡面水标尺10≥266米≥266米10"},
        {"key": "全年预算数/执行数", "scope": "中央财政资金", "value": "3144.00 / 3144.00", "unit": "万元"},
        {"key": "接待各级领导", "scope": "产出", "value": "500多", "unit": "人次"},
        {"key": "执行率", "scope": "项目1", "value": 86.19, "unit": "%"},
        {"key": "全年执行数", "scope": "项目1", "value": 215457.6, "unit": "元"},
        {"key": "整体绩效自评等级", "scope": "部门", "value": "优秀", "unit": "grade"},
        {"key": "自评时间", "scope": "封面", "value": "2021年12月", "unit": "date"},
    ]}
    got = [(tf.kind, tf.value, tf.unit, tf.family) for tf in ea.truth_figures(truth)]
    assert got == [("score", Decimal(10), "分", "score"), ("score", Decimal(10), "分", "score"),
                   ("money", Decimal("3144.00"), "万元", "budget"), ("money", Decimal("3144.00"), "万元", "budget"),
                   ("rate", Decimal("86.19"), "%", "rate"), ("money", Decimal("21.54576"), "元", "project"),
                   ("grade", "优秀", "grade", "grade")]
    assert ea.truth_figures(truth)[0].quote == "安装坡面水标尺10≥266米≥266米10"


def test_extracted_figures_take_their_family_from_the_fact(ea):
    assert ea.fact_family("project", "spent", "万元") == "project"
    assert ea.fact_family("project", "rate_stated", "%") == "rate"
    assert ea.fact_family("indicator", "target", "人") == "indicator"
    assert ea.fact_family("execution_score", "weight", "分") == "score"
    assert ea.fact_family("self_evaluation", "coverage_stated", "%") == "coverage"
    assert ea.fact_family("enumeration", "count_stated", "个") == "enumeration"
    assert ea.fact_family("figure", "value", "人") == "count"
    assert ea.fact_family("some_new_kind", "value", "") == "other"


def test_inconsistency_types_map_to_rules_and_gaps_are_accepted(cf):
    truth = {"inconsistencies": [{"type": "parts_vs_total", "detail": "87.5 + 2350 != 2455.5"},
                                 {"type": "share_mismatch", "severity": "possible", "detail": "5% / 25%"}],
             "compliance_gaps": ["执行率76% (<90%) with no explanation in the available text"]}
    incs = cf.inconsistencies(truth)
    assert [(i.type, i.firm, bool(i.rules)) for i in incs] == [("parts_vs_total", True, True),
                                                               ("share_mismatch", False, False)]
    finding = cf.Finding("budget.breakdown-sum", "error", "s", "m", frozenset({"2455.5"}))
    other = cf.Finding("budget.breakdown-sum", "error", "s", "m", frozenset({"7"}))
    assert cf.match_firm(incs[:1], [other, finding]) == [(incs[0], finding)]
    gaps = cf.gap_rules(truth)
    assert gaps == {"execution.explanation-required"}
    low = cf.Finding("execution.explanation-required", "error", "s", "m", frozenset())
    unlisted = cf.Finding("score.grade-band", "error", "s", "m", frozenset())
    assert [cf.called_for(f, incs, gaps) for f in (finding, low, unlisted)] == [True, True, False]


def test_a_real2_inconsistency_is_found_only_by_a_finding_that_quotes_its_figure(cf):
    truth = {"inconsistencies": [{"type": "stated_rate_vs_computed", "severity": "firm", "figure": "86.19%",
                                  "detail": "215,457.6 / 250,000.00 = 86.183%"}]}
    inc = cf.inconsistencies(truth)[0]
    wrong_figure = cf.Finding("execution.rate-arithmetic", "error", "s", "应为86.18%，报告写的是8.62%",
                              frozenset({"86.18", "8.62"}), "合计|250000.00|215457.6|10|8.62")
    quoting = cf.Finding("execution.rate-arithmetic", "error", "s", "m", frozenset(), "执行率86.19%")
    assert cf.match_firm([inc], [wrong_figure]) == [(inc, None)]
    assert cf.match_firm([inc], [wrong_figure, quoting]) == [(inc, quoting)]
    assert not cf.called_for(wrong_figure, [inc], set())  # an error about another figure is a false one


def test_held_out_documents_are_not_measured_one_by_one(ea, capsys):
    assert ea.held_out_named(["001", "005", "D01", "D03"]) == ["005", "D03"]
    assert ea.held_out_named(None) == []
    ea.main(["--only", "D03", "--layouts", "txt"])
    out, err = capsys.readouterr()
    assert "held-out" in err and "D03" in err and out == ""


def test_sections_of_the_report_file_are_replaced_in_place(ea, tmp_path):
    out = tmp_path / "ACCURACY.md"
    out.write_text("# head\n", encoding="utf-8")
    ea.write_section(out, "a", "one")
    ea.write_section(out, "b", "two")
    ea.write_section(out, "a", "three")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# head\n") and "three" in text and "one" not in text
    assert text.index("three") < text.index("two")
