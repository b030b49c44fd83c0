"""Differential test: on generated facts, every shipped rule fires in durable_rules exactly
when the pure-Python reference evaluator says True (and never when it says UNKNOWN)."""
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from checker.evaluate import evaluate_document
from checker.model import Evidence, Fact, Quantity
from checker.rulebook.condition import BOOL, COUNT, MONEY, PERCENT, SCORE, TEXT
from checker.rulebook.schema import KINDS

TEXTS = ["产出", "产出", "效益", "满意度", "数量、质量", "数量、质量、时效、成本", "优", "良", "中", "差",
         "由于人员离职导致支出减少。", "部门整体", "项目", "元", "万元", "", "“引号”与\\反斜杠"]


def quantity(dim):
    places = st.integers(0, 2)
    if dim == MONEY:
        unit, top = "万元", 20000
    elif dim == PERCENT:
        unit, top = "%", 150
    elif dim == SCORE:
        unit, top = "分", 110
    else:
        unit, top = "个", 30 if dim == COUNT else 5000
    def build(args):
        value, p = args
        q = Decimal(value).quantize(Decimal(10) ** -p) if p else Decimal(int(value))
        return Quantity(q, p, unit, f"{q}{unit}")
    return st.tuples(st.floats(-top / 10 if dim == MONEY else 0, top, allow_nan=False), places).map(build)


def value_for(dim):
    if dim == COUNT:  # small counts, and large ones such as a text's length
        return st.one_of(quantity(COUNT), quantity("large"))
    if dim == BOOL:
        return st.booleans()
    if dim == TEXT:
        return st.sampled_from(TEXTS)
    return quantity(dim)


@st.composite
def fact_of(draw, kind):
    fields = {}
    for name, spec in KINDS[kind].fields.items():
        if draw(st.booleans()):
            fields[name] = draw(value_for(spec.dim))
    return Fact(kind, "生成的事实", fields, [Evidence(1, "生成")], "hypothesis", fid=1)


RULE_KINDS = sorted({"project", "budget", "budget_composition", "self_evaluation", "indicator_group", "amount", "document"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_engine_agrees_with_reference(cpack, data):
    kind = data.draw(st.sampled_from(RULE_KINDS))
    fact = data.draw(fact_of(kind))
    report_kind = data.draw(st.sampled_from(["部门整体", "项目"]))
    result = evaluate_document(cpack, [fact], report_kind)
    assert result.diagnostics == []


def test_near_misses_of_the_rounding_boundary(cpack):
    """Both evaluators see the same tolerance at its edge (exact Decimal, no floats)."""
    base = dict(initial=Quantity(Decimal("100.00"), 2, "万元"), adjustment=Quantity(Decimal("0.00"), 2, "万元"))
    for adjusted, fires in (("100.01", False), ("100.02", True), ("99.99", False), ("99.98", True)):
        fact = Fact("project", "边界", dict(base, adjusted=Quantity(Decimal(adjusted), 2, "万元")), [], "t", fid=1)
        result = evaluate_document(cpack, [fact], "项目")
        assert result.diagnostics == []
        fired = [f for f in result.findings if f.rule == "budget.adjustment-arithmetic" and f.outcome == "fired"]
        assert bool(fired) is fires, adjusted


# ---------------------------------------------------------------- every rule, at its edges (issue 12)

import pytest  # noqa: E402

from checker.evaluate import compile_pack  # noqa: E402
from checker.profile import available, load_profile  # noqa: E402
from checker.rulebook.condition import field_names  # noqa: E402

PER_RULE = 200  # generated fact sets per rule
EDGE_VALUES = ["0", "0.00", "0.01", "-0.01", "0.005", "100", "100.00", "99.99", "100.01", "90", "89.99", "60",
               "95", "10", "9.64", "-592.33", "2655.11", "1062.78", "2062.78", "592.33", "1.5", "12"]
UNITS = {MONEY: "万元", PERCENT: "%", SCORE: "分", COUNT: "个"}


def _quantity(text: str, dim: str) -> Quantity:
    value = Decimal(text)
    if dim == COUNT:
        value = abs(value).to_integral_value()
    places = max(0, -value.as_tuple().exponent)
    return Quantity(value, places, UNITS.get(dim, ""), f"{value}{UNITS.get(dim, '')}")


@st.composite
def edge_fact(draw, kind: str, read: set[str]):
    """A fact of `kind` whose fields the rule reads are missing, edge values, random, or the sum or
    difference of two others moved by nothing, by their rounding, or just past it."""
    specs = KINDS[kind].fields
    fields: dict = {}
    numeric = []
    for name in sorted(read):
        if name not in specs:
            continue
        dim = specs[name].dim
        choice = draw(st.integers(0, 5))
        if choice == 0:
            continue  # missing
        if dim == BOOL:
            fields[name] = draw(st.booleans())
        elif dim == TEXT:
            fields[name] = draw(st.sampled_from(TEXTS))
        elif choice <= 2 or len(numeric) < 2:
            fields[name] = _quantity(draw(st.sampled_from(EDGE_VALUES)), dim)
        elif choice == 3:
            fields[name] = draw(quantity(dim))
        else:
            a, b = draw(st.sampled_from(numeric)), draw(st.sampled_from(numeric))
            sign = draw(st.sampled_from([1, -1]))
            nudge = Decimal(draw(st.sampled_from(["0", "0.005", "0.01", "0.011", "-0.005", "-0.01", "-0.011"])))
            total = fields[a].value + sign * fields[b].value + nudge
            fields[name] = _quantity(str(total.quantize(Decimal("0.001"))), dim)
        if name in fields and dim not in (BOOL, TEXT):
            numeric.append(name)
    return Fact(kind, "生成的事实", fields, [Evidence(1, "生成")], "hypothesis", fid=1)


def _every_rule():
    """(profile name, rule id) for every rule some shipped profile switches on."""
    from checker.rulebook.loader import load_pack
    from conftest import ROOT

    pack, _ = load_pack([ROOT / "rules"])
    seen, out = set(), []
    for name in available():
        for cr in compile_pack(pack, load_profile(name)).rules:
            if cr.rule.id not in seen:
                seen.add(cr.rule.id)
                out.append((name, cr.rule.id))
    return out


@pytest.fixture(scope="module")
def packs(pack):
    return {name: compile_pack(pack, load_profile(name)) for name in available()}


@pytest.mark.parametrize("profile,rule_id", _every_rule())
def test_engine_decides_as_the_reference_on_every_rule(packs, profile, rule_id):
    cpack = packs[profile]
    [cr] = [c for c in cpack.rules if c.rule.id == rule_id]
    read = set(field_names(cr.condition))

    @settings(max_examples=PER_RULE, deadline=None, suppress_health_check=[HealthCheck.too_slow],
              derandomize=True)
    @given(fact=edge_fact(cr.rule.kind, read), report_kind=st.sampled_from(cr.rule.report_kinds))
    def check(fact, report_kind):
        result = evaluate_document(cpack, [fact], report_kind)
        assert result.diagnostics == [], (fact.fields, result.diagnostics)

    check()


def test_most_rules_are_decided_by_the_engine(cpack):
    decided = [cr.compiled.decided_by for cr in cpack.rules]
    assert decided.count("engine") >= 0.8 * len(decided), decided


def test_the_engine_operators_the_compiler_uses_are_exact():
    """bench/engine_operators.py in its own process (a crash of the C core would end this one)."""
    import subprocess
    import sys

    from conftest import ROOT

    run = subprocess.run([sys.executable, str(ROOT / "bench" / "engine_operators.py")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 missing, 0 extra" in run.stdout


def test_a_condition_too_long_for_the_engine_is_decided_in_python_and_still_runs():
    """durable_rules refuses a rule of more than 15 nested groups (error 113): such a condition becomes one yes/no."""
    from checker.rulebook.compiler import ENGINE_LEAF_BUDGET, compile_condition, leaf_tests
    from checker.rulebook.condition import parse

    dims = {f"f{i}": MONEY for i in range(20)}
    text = " or ".join(f"(f{2 * i} != f{2 * i + 1})" for i in range(8))
    compiled = compile_condition(parse(text), dims, "x_")
    assert compiled.decided_by == "precomputed" and leaf_tests(compiled.expr) <= ENGINE_LEAF_BUDGET
    short = compile_condition(parse("f0 != f1"), dims, "x_")
    assert short.decided_by == "engine"


def test_nested_groups_are_flattened_and_a_condition_with_too_many_runs_in_python(tmp_path):
    """durable_rules also refuses a rule of more than 15 nested $and / $or groups (error 113, measured): nested
    groups of one operator are merged first; a condition still over the budget is one yes/no decided in Python,
    its where clause included, and the engine acts on it."""
    from checker.evaluate import compile_pack, evaluate_document
    from checker.model import Fact
    from checker.extract.numbers import plain
    from checker.rulebook.compiler import ENGINE_GROUP_BUDGET, compile_condition, flatten, group_count
    from checker.rulebook.condition import parse
    from checker.rulebook.loader import load_pack

    assert flatten({"$and": [{"a": 1}, {"$and": [{"b": 1}, {"a": 1}]}]}) == {"$and": [{"a": 1}, {"b": 1}]}
    nested = " and ".join(f"(value > {i} or value < -{i})" for i in range(1, 17))
    compiled = compile_condition(parse(nested), {"value": "number"}, "x_")
    assert compiled.decided_by == "precomputed" and group_count(compiled.expr) <= ENGINE_GROUP_BUDGET
    (tmp_path / "r.yaml").write_text(f"""rules:
  - id: test.nested
    title: 嵌套条件
    severity: warning
    basis: 测试
    applies_to:
      fact: figure
      where: exists value and value > 0
    when: {nested}
    message: 触发
    fix: 无
""", encoding="utf-8")
    pack, problems = load_pack([tmp_path])
    assert problems == []
    fact = Fact("figure", "数字", {"value": plain("50")}, [], "t", fid=1)
    result = evaluate_document(compile_pack(pack), [fact], "项目")
    assert [f.outcome for f in result.findings if f.rule == "test.nested"] == ["fired"] and result.diagnostics == []
