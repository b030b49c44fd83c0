"""The shipped rule pack: valid, every rule tested both ways, tests pass; broken packs are
reported as file:line:column problems."""
from pathlib import Path

from checker.rulebook.loader import load_pack
from checker.rulebook.testing import run_tests


def test_every_rule_has_firing_and_non_firing_cases(pack):
    for rule in pack.rules:
        expects = {t.expect for t in rule.tests}
        assert "fire" in expects and "pass" in expects, rule.id
        assert rule.basis, rule.id


def test_shipped_rule_tests_pass(pack):
    failures = [f"{r.rule.id} / {r.case.name}: {r.detail}" for r in run_tests(pack) if not r.ok]
    assert failures == []


def test_contract_rule_ids_present(pack):
    ids = {r.id for r in pack.rules}
    assert {"coverage.self-evaluation", "execution.explanation-required", "indicators.count-score-match",
            "budget.adjustment-arithmetic", "budget.unit-anomaly", "execution.rate-arithmetic",
            "score.grade-band"} <= ids


BROKEN = """\
rules:
  - id: execution.low-rate
    titel: 执行率低
    severity: error
    basis: 测试
    applies_to: {fact: project}
    when: rate_stated < 90%
    message: 低
  - id: execution.low-rate
    title: 重复
    severity: fatal
    basis: 测试
    applies_to: {fact: project}
    when: rate_stated < < 90%
    message: 低
  - id: execution.other
    title: 未知字段
    severity: warning
    basis: 测试
    applies_to: {fact: project}
    when: rate_stat < 90%
    message: 低
"""


def test_broken_pack_reports_every_problem_with_position(tmp_path: Path):
    f = tmp_path / "broken.yaml"
    f.write_text(BROKEN, encoding="utf-8")
    _, problems = load_pack([tmp_path])
    text = "\n".join(str(p) for p in problems)
    assert f"{f}:3:5: 错误：未知的键“titel”。是否想写“title”？" in text
    assert f"{f}:2:9" not in text and f"{f}:9:9: 错误：规则编号“execution.low-rate”重复" in text
    assert f"{f}:11:15: 错误：severity 应为 error" in text
    assert f"{f}:14:25: 错误：触发条件 when 无法解析" in text  # caret under the second <
    assert "是否想写：rate_stated" in text and f"{f}:21:11" in text
    assert "^" in text


def test_a_threshold_is_a_one_line_edit(tmp_path: Path, pack):
    """Policy staff change 95% to 90% in YAML; the rule's own tests then show the effect."""
    source = Path(pack.get("execution.explanation-required").source).read_text(encoding="utf-8")
    edited = source.replace("< 95%", "< 90%")
    assert edited.count("< 90%") == 1
    (tmp_path / "execution.yaml").write_text(edited, encoding="utf-8")
    new_pack, problems = load_pack([tmp_path])
    assert not problems
    from checker.evaluate import compile_pack, evaluate_document
    from checker.extract.numbers import parse_value
    from checker.model import Fact

    fact = Fact("project", "项目", {"rate_stated": parse_value("92%")}, [], "t", fid=1)
    findings = evaluate_document(compile_pack(new_pack), [fact], "项目").findings
    assert not [f for f in findings if f.rule == "execution.explanation-required" and f.outcome == "fired"]
