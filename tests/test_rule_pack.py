"""The shipped rule pack: valid, every rule tested both ways, tests pass; broken packs are
reported as file:line:column problems."""
from pathlib import Path

from checker.rulebook.loader import load_pack
from checker.ruletests import run_tests


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
    assert f"{f}:14:25: 错误：触发条件（when）无法解析" in text  # caret under the second <
    assert "是否想写：rate_stated" in text and f"{f}:21:11" in text
    assert "^" in text


def test_a_threshold_is_a_one_line_edit(tmp_path: Path, pack):
    """Policy staff change 95% to 90% in one line of the profile; nothing else changes."""
    from checker.evaluate import compile_pack, evaluate_document
    from checker.extract.numbers import parse_value
    from checker.model import Fact
    from checker.profile import load_profile

    source = (Path(__file__).parent.parent / "profiles" / "national.yaml").read_text(encoding="utf-8")
    edited = source.replace("explanation_threshold: 95%", "explanation_threshold: 90%")
    assert sum(a != b for a, b in zip(source.splitlines(), edited.splitlines())) == 1
    (tmp_path / "local.yaml").write_text(edited, encoding="utf-8")

    def fires(profile) -> bool:
        fact = Fact("project", "项目", {"rate_stated": parse_value("92%")}, [], "t", fid=1)
        findings = evaluate_document(compile_pack(pack, profile), [fact], "项目").findings
        return any(f.rule == "execution.explanation-required" and f.outcome == "fired" for f in findings)

    assert fires(load_profile("national")) and not fires(load_profile(str(tmp_path / "local.yaml")))
    assert not fires(load_profile("sichuan"))


def test_shipped_files_match_the_published_schema(pack):
    import json

    import jsonschema
    import yaml

    schema = json.loads((Path(__file__).parent.parent / "checker" / "rulebook" / "rule-schema.json").read_text())
    for path in pack.files:
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    from checker.rulebook.schema import KINDS

    fact_enum = schema["$defs"]["rule"]["properties"]["applies_to"]["properties"]["fact"]["enum"]
    assert set(fact_enum) == set(KINDS)


def test_rule_tolerance_widens_equality(tmp_path: Path):
    (tmp_path / "t.yaml").write_text("""\
rules:
  - id: budget.loose-composition
    title: 宽松构成
    severity: warning
    basis: 测试
    applies_to: {fact: budget_composition}
    when: total != basic + project
    tolerance: 0.5万元
    message: 不符
    tests:
      - {facts: {total: 100万元, basic: 40万元, project: 59.6万元}, expect: pass}
      - {facts: {total: 100万元, basic: 40万元, project: 59.4万元}, expect: fire}
""", encoding="utf-8")
    pack, problems = load_pack([tmp_path])
    assert not problems
    assert all(r.ok for r in run_tests(pack))


def test_lint_is_clean_on_the_shipped_pack(pack):
    from checker.rulebook.lint import lint

    assert [str(i) for i in lint(pack)] == []


def test_lint_finds_what_authors_get_wrong(tmp_path: Path):
    from checker.rulebook.lint import lint

    (tmp_path / "l.yaml").write_text("""\
rules:
  - id: a.never
    title: 永不触发
    severity: info
    basis: 《某办法》
    applies_to: {fact: project}
    when: rate_stated < 0% and rate_stated > 200%
    message: x
  - id: a.always
    title: 总会触发
    severity: info
    basis: 随便写的
    applies_to: {fact: project}
    when: rate_stated >= 0% or rate_stated < 0%
    message: x
    tests:
      - {facts: {rate_stated: 5%}, expect: fire}
  - id: a.same
    title: 与 a.never 相同
    severity: info
    basis: 《某办法》
    applies_to: {fact: project}
    when: rate_stated < 0% and rate_stated > 200%
    message: x
""", encoding="utf-8")
    pack, problems = load_pack([tmp_path])
    assert not problems
    text = "\n".join(str(i) for i in lint(pack))
    assert "a.never：没有测试用例" in text and "永不触发" in text
    assert "a.always：没有不触发" in text and "总会触发" in text and "没有写明文件名称或文号" in text
    assert "a.same：与 a.never" in text


def test_authoring_mistakes_are_caught_at_validation(tmp_path: Path):
    """Mistakes policy staff make that must not wait until a report is checked."""
    (tmp_path / "m.yaml").write_text("""\
rules:
  - id: a.template-typo
    title: 模板拼写
    severity: info
    basis: 《某办法》
    applies_to: {fact: project}
    when: spent > 100万元
    message: "实际支出{{ spnet }}"
  - id: a.tolerance-unit
    title: 容差无单位
    severity: info
    basis: 《某办法》
    applies_to: {fact: project}
    when: spent != initial
    tolerance: 0.05
    message: x
  - id: a.money-unit
    title: 测试金额无单位
    severity: info
    basis: 《某办法》
    applies_to: {fact: project}
    when: spent > 100万元
    message: x
    tests:
      - {facts: {spent: 120}, expect: fire}
""", encoding="utf-8")
    _, problems = load_pack([tmp_path])
    text = "\\n".join(str(p) for p in problems)
    assert "message 引用了不存在的名称“spnet”。是否想写“spent”？" in text
    assert "tolerance 应写成带单位的数" in text
    assert "金额请写单位" in text


def test_yaml_errors_are_explained_in_chinese(tmp_path: Path):
    (tmp_path / "y.yaml").write_text("rules:\n  - id: a.b\n    severity:error\n    title: x\n", encoding="utf-8")
    _, problems = load_pack([tmp_path])
    assert len(problems) == 1 and "YAML 格式错误" in problems[0].message and "冒号" in problems[0].message


def test_rules_guide_lists_every_fact_field():
    """docs/rules-guide.md's appendix is the policy staff's field reference: it must not fall behind the schema."""
    import re
    from pathlib import Path

    from checker.rulebook.schema import KINDS

    guide = (Path(__file__).resolve().parents[1] / "docs" / "rules-guide.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^#### `(\w+)` — .*?\n((?:.*\n)*?)(?=^####|^## |\Z)", guide, re.M))
    missing = [(kind, name) for kind, spec in KINDS.items() for name in spec.fields
               if f"| `{name}` |" not in sections.get(kind, "")]
    assert missing == []


def test_lint_flags_a_repealed_document_cited_as_in_force():
    from checker.rulebook.lint import repealed_citations

    [message] = repealed_citations("财预〔2011〕285号第二十六条：绩效报告应数据准确")
    assert "财预〔2020〕10号" in message and "废止" in message
    assert repealed_citations("财预〔2011〕285号第二十七条（已由财预〔2020〕10号废止，地方模板仍沿用）") == []
    assert repealed_citations("财预〔2020〕10号《项目支出绩效评价管理办法》") == []


def test_lint_flags_internal_names_in_department_facing_text():
    from types import SimpleNamespace

    from checker.rulebook.lint import internal_names

    rule = SimpleNamespace(title="执行率偏低应说明原因", basis="阈值取自 profile.explanation_threshold",
                           message="{{ rate_stated }} 低于阈值（见 execution.explanation-required）")
    found = internal_names(rule)
    assert len(found) == 2 and "profile.explanation_threshold" in found[0]
    assert internal_names(SimpleNamespace(title="标题", basis="财预〔2020〕10号", message="{{ parts }}合计{{ expected }}")) == []


def test_lint_asks_for_a_fix_text(tmp_path):
    from checker.rulebook.lint import lint
    from checker.rulebook.loader import load_pack

    (tmp_path / "r.yaml").write_text(
        "rules:\n  - id: demo.no-fix\n    title: 执行率应写明\n    severity: warning\n    basis: 财预〔2020〕10号\n"
        "    applies_to: {fact: project}\n    when: missing rate_stated\n    message: 未写执行率。\n"
        "    tests:\n      - {name: 缺, facts: {name: 甲}, expect: fire}\n      - {name: 有, facts: {rate_stated: 90%}, expect: pass}\n",
        encoding="utf-8")
    pack, problems = load_pack([tmp_path])
    assert not problems
    messages = [i.message for i in lint(pack)]
    assert any("没有整改建议（fix）" in m for m in messages)
