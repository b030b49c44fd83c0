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
