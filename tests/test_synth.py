"""The report synthesiser (bench/synth): its truth is self-consistent, its seeded problems break what
they say, and perfcheck's figures on the gate sample are no worse than bench/synth_gates.json."""
from __future__ import annotations

import json
import sys
from decimal import Decimal

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from synth import LAYOUTS, PROBLEMS, generate, problems_for, render  # noqa: E402
from synth.layouts import extension  # noqa: E402
from synth.model import KINDS, grade_band, pct  # noqa: E402

SEEDS = range(40)
GATES = ROOT / "bench" / "synth_gates.json"


def sources_add_up(p) -> bool:
    return all(sum(s[col] for s in p.sources) == total
               for col, total in ((1, p.initial), (2, p.adjusted), (3, p.spent))) if p.sources else True


@pytest.mark.parametrize("kind", KINDS)
def test_clean_truth_adds_up(kind):
    for seed in SEEDS:
        t = generate(seed, kind).truth
        for p in t.projects:
            assert p.adjusted == p.initial + p.adjustment, (seed, p.name)
            assert p.rate == pct(p.spent, p.adjusted, t.rate_places), (seed, p.name)
            assert p.spent <= p.adjusted
            assert p.reason or p.rate >= 95, (seed, p.name)
            assert sources_add_up(p), (seed, p.sources)
        if t.budget:
            b = t.budget
            assert b.initial == b.initial_basic + b.initial_project
            assert b.spent == b.spent_basic + b.spent_project
            assert b.adjusted == b.initial + b.adjustment
            assert b.rate == pct(b.spent, b.adjusted, t.rate_places)
            assert t.coverage["rate"] == pct(Decimal(t.coverage["evaluated"]), Decimal(t.coverage["total"]), t.rate_places)
            assert all(e.count == len(e.names) for e in t.enumerations)
        for ind in t.indicators:
            assert ind.score <= ind.weight, (seed, ind.name)
            assert ind.met == (ind.score == ind.weight), (seed, ind.name)
            assert ind.met or ind.reason, (seed, ind.name)
        for name, (weight, score) in t.parts.items():
            rows = [i for i in t.indicators if i.l1 == name + "指标"]
            if rows:
                assert weight == sum(i.weight for i in rows) and score == sum(i.score for i in rows), (seed, name)
        assert sum(w for w, _ in t.parts.values()) == 100
        assert t.total == sum(s for _, s in t.parts.values())
        assert t.grade == grade_band(t.total)
        assert {"产出", "效益", "满意度"} <= {i.l1[:-2] for i in t.indicators}


def test_grade_bands():
    assert [grade_band(Decimal(x)) for x in ("90", "89.99", "80", "79.5", "60", "59.99")] == ["优", "良", "良", "中", "中", "差"]


def test_deterministic():
    a, b = generate(11, "department", "rate-wrong"), generate(11, "department", "rate-wrong")
    assert a.blocks == b.blocks and a.expected == b.expected


def test_problem_rules_exist(pack):
    ids = {r.id for r in pack.rules}
    for name, problem in PROBLEMS.items():
        assert problem.rules <= ids and problem.accepted <= ids, name


def text_of(report) -> str:
    return "\n".join([b.text for b in report.blocks] + ["|".join(r) for b in report.blocks for r in b.rows])


@pytest.mark.parametrize("kind", KINDS)
def test_seeding_changes_only_the_report_it_seeds(kind):
    """The seeded report differs from its clean twin; the twin is clean (its truth adds up)."""
    for i, problem in enumerate(problems_for(kind)):
        twin = generate(100 + i, kind, prepare=problem)
        seeded = generate(100 + i, kind, problem)
        assert text_of(twin) != text_of(seeded), problem
        assert seeded.expected["type"] == problem and seeded.truth.problem
        assert twin.expected is None


def test_seeded_rows_break_their_rule():
    for seed in range(10):
        over = generate(seed, "project", "row-over-weight").truth
        assert any(i.score > i.weight for i in over.indicators)
        assert over.total <= 100 and all(s <= w for w, s in over.parts.values()), seed  # only the row is over
    unmet = generate(5, "form", "full-score-unmet").truth
    assert any(not i.met and i.score == i.weight for i in unmet.indicators)
    assert unmet.total == sum(s for _, s in unmet.parts.values())


def test_total_score_written_as_drawn():
    for seed in range(6):
        r = generate(seed, "project")
        total = r.truth.total
        written = format(total.normalize(), "f") if total == total.to_integral() else f"{total:.2f}"
        assert written in text_of(r)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_renders(tmp_path, layout):
    r = generate(3, "form")
    path = render(r.blocks, layout, tmp_path / ("r" + extension(layout)), 3)
    assert path.stat().st_size > 1000


def test_judge_wants_the_seeded_subject_and_a_new_finding():
    from synth_bench import Case, Outcome, judge

    expected = {"rules": ["execution.rate-arithmetic"], "accepted": [], "subject": "林长制工作经费", "detail": ""}
    seeded, clean = Case(1, "department", "txt", "rate-wrong", True), Case(1, "department", "txt", "rate-wrong", False)
    hit = ["execution.rate-arithmetic", "error", "项目：林长制工作经费", "执行率应为77.35%", ""]
    elsewhere = ["execution.rate-arithmetic", "error", "项目：就业补助资金", "执行率应为90%", ""]
    other_error = ["budget.breakdown-sum", "error", "支出", "合计不符", ""]
    assert judge(Outcome(seeded, [hit], expected, 0), None).found
    assert not judge(Outcome(seeded, [elsewhere], expected, 0), None).found
    assert not judge(Outcome(seeded, [hit], expected, 0), Outcome(clean, [hit], None, 0)).found
    assert judge(Outcome(seeded, [hit, other_error], expected, 0), None).false_errors == [other_error]


def test_gates_hold():
    """perfcheck on the gate sample (bench/synth_bench.py --record-gates): no worse than recorded."""
    import synth_bench

    recorded = json.loads(GATES.read_text(encoding="utf-8"))
    now = synth_bench.gate_figures()
    assert now["clean_reports"] == recorded["clean_reports"]
    assert now["clean_errors_per_10"] <= recorded["clean_errors_per_10"], now
    assert now["clean_warnings_per_10"] <= recorded["clean_warnings_per_10"], now
    assert now["seeded_found_pct"] >= recorded["seeded_found_pct"], now
    assert now["clean_crashes"] <= recorded["clean_crashes"], now
