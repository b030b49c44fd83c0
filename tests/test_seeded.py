"""Seeded problems: one change to the example report's text, one new finding (and no other).

Each case edits the text the way real reports go wrong; the checker has never seen these
variants, so they test the genre's rules, not the example."""
import pytest

from checker.derive import derive
from checker.evaluate import evaluate_document
from checker.extract import extract
from checker.model import Document, Line
from checker.pipeline import document_summary

from conftest import EXAMPLE_TXT

BASE = EXAMPLE_TXT.read_text(encoding="utf-8")

SEEDED = [
    # (name, text to find, replacement, rule expected to fire, words in the subject)
    ("grade does not fit the score", "“优”", "“良”", "score.grade-band", "绩效自评"),
    ("score lowered below the band", "自评得分为 98.69分", "自评得分为 88.69分", "score.grade-band", "绩效自评"),
    ("coverage below 100%", "自评覆盖率达到\n", "自评覆盖率达到 95%，", "coverage.self-evaluation", "绩效自评"),
    ("rate does not fit the figures", "实际支出 456.4万", "实际支出 420.4万", "execution.rate-arithmetic", "12345"),
    ("basic + project != overall", "基本支出年初预算数 1,422.84", "基本支出年初预算数 1,522.84", "budget.total-composition", "年初预算数"),
    ("completion rate wrong", "完成预算的 98.83%", "完成预算的 96.83%", "budget.completion-rate", "部门整体"),
    ("adjustment does not add up", "\n27.90万元", "\n37.90万元", "budget.adjustment-arithmetic", "信息化运维经费"),
    ("unit slip 元 for 万元", "年初预算 353.07万元", "年初预算 353.07元", "budget.unit-anomaly", "信息化运维经费"),
    ("low rate, no reason", "2023年实际支出 380.97万\n\n元，预算执行率 100%", "2023年实际支出 280.97万\n\n元，预算执行率 73.75%",
     "execution.explanation-required", "信息化运维经费"),
    ("group score above its marks", "总分 20分，得分 20分", "总分 20分，得分 21分", "indicators.score-within-total", "效益"),
    ("explanation removed", "由于白云税\n\n务局协税护税人员辞职、人员未上岗（1 人离职，3 人未上岗）\n\n等因素影响，导致协议费用发生变更，支出减少。", "",
     "execution.explanation-required", "政务服务受理人员外包服务项目"),
    ("sections missing", "四、下一步改进措施", "四、其他事项", "structure.required-sections", ""),
    ("grade stated twice, differently", "整体预算完成率达到 98.83%", "自评等级为良，整体预算完成率达到 98.83%", "score.grade-consistent", "绩效自评"),
]


def fired(text: str, cpack) -> set:
    lines = [Line(1, line) for line in text.splitlines()]
    facts = derive(extract(Document("seeded.txt", "txt", lines)))
    result = evaluate_document(cpack, facts, document_summary(facts).get("report_kind"))
    assert result.diagnostics == []
    return {(f.rule, f.subject) for f in result.findings if f.outcome == "fired"}


@pytest.mark.parametrize("name,old,new,rule,subject", SEEDED, ids=[s[0] for s in SEEDED])
def test_seeded_problem_is_found(cpack, name, old, new, rule, subject):
    assert old in BASE, "the seed text changed"
    before = fired(BASE, cpack)
    after = fired(BASE.replace(old, new, 1), cpack)
    added = after - before
    assert any(r == rule and subject in s for r, s in added), (name, sorted(added))
    assert all(r == rule for r, _ in added), (name, sorted(added))  # nothing else appears


def test_seeded_recall_script_runs(corpus_dir):
    """bench/seeded_recall.py on two excerpts: mutations are made at the facts' quotations and each is
    judged in every layout asked for (structure only; the rates are in bench/SEEDED.md)."""
    import sys

    sys.path.insert(0, str(EXAMPLE_TXT.parent.parent / "bench"))
    import seeded_recall

    results, skipped = seeded_recall.run(corpus_dir, ["txt"], only=["003", "027"], per_type=2)
    assert results and {r.mutation.source for r in results} <= {"003", "027"}
    for r in results:
        assert r.mutation.type in seeded_recall.TYPES and r.layout == "txt"
        assert r.mutation.edits and r.mutation.expected
        assert isinstance(r.found, bool) and isinstance(r.false_errors, list)
    rows = seeded_recall.table(results, ["txt"])
    assert rows[-1].startswith("| **all** |")
