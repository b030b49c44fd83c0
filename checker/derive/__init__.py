"""Derive stage: facts that need more than one extracted fact, computed in Python/Decimal.

* unit measures: how many orders of magnitude an amount stands from the amounts around it in its
  written unit, and in their unit (2655.11元 in a project entry of 万元 figures), as numbers; the
  rule budget.unit-anomaly judges them against the profile's thresholds, and where it fires the
  evaluate stage reads the figure "as meant" (`read_as_meant`), so the arithmetic rules see
  2655.11万元 and report only what is wrong even as meant;
* budget composition: 部门整体 vs 基本支出 + 项目支出, per column (年初 / 全年 / 决算).

Within-fact arithmetic (adjusted = initial + adjustment, rates) is not done here: the rule
language does it, with rounding tolerance, from the rule file.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import replace
from decimal import Decimal
from statistics import median

from ..model import Fact, Quantity
from ..extract.lexicon import entry as lexicon_entry, words
from ..extract.numbers import MONEY_UNITS, money

def _log_ratio(a: Decimal, b: Decimal) -> float:
    return abs(math.log10(float(abs(a)) / float(abs(b))))


def _as_meant(q: Quantity, unit: str) -> Quantity:
    number = q.written.lstrip("-").rstrip("亿万千元") or "0"
    return money(number, unit, q.value < 0)


# what an amount's unit is judged against (the rule sets how near "as meant" must come for each)
CONTEXT_PLACE = "同一处"  # its own entry or sentence, or the other figures of budget fields
CONTEXT_SPARSE = "相邻一处或全文"  # the one other figure of its entry, or the whole report's figures
GAP_PLACES = 3  # orders of magnitude to three decimals
UNITS_CHOSEN_FOR_SIZE = ("亿元",)
SAME_UNIT_MIN_ORDERS = 3  # an amount in the others' unit is measured against the other unit only this far out


class _Amounts:
    """The report's amounts indexed once, so that judging each one is not a scan of all the others
    (a 300-page report has thousands)."""

    def __init__(self, amounts: list[Fact], every: list[Fact]):
        self.amounts = amounts
        self.by_group: dict = defaultdict(list)
        self.by_sentence: dict = defaultdict(list)
        for a in amounts:
            self.by_group[a.meta.get("group")].append(a)
            self.by_sentence[a.meta.get("sentence")].append(a)
        self.owned = [a for a in amounts if a.meta.get("owner")]
        self.sizes = sorted(abs(a.fields["value"].value) for a in amounts)
        self.units = Counter(a.fields["unit_written"] for a in amounts)
        self.twins: dict = defaultdict(list)
        for a in every:
            self.twins[(a.fields["unit_written"], _digits(a.fields["value"]))].append(a)

    def others(self, amount: Fact) -> tuple[int, Counter, Decimal]:
        """Count, units and median size of every amount but this one (the whole report as context)."""
        units = self.units.copy()
        units[amount.fields["unit_written"]] -= 1
        return len(self.amounts) - 1, +units, _median_without(self.sizes, abs(amount.fields["value"].value))


def _median_without(sizes: list[Decimal], x: Decimal) -> Decimal:
    i = bisect.bisect_left(sizes, x)
    n = len(sizes) - 1

    def at(j: int) -> Decimal:
        return sizes[j] if j < i else sizes[j + 1]

    if n <= 0:
        return Decimal(0)
    return at(n // 2) if n % 2 else (at(n // 2 - 1) + at(n // 2)) / 2


def _neighbours(amount: Fact, index: _Amounts) -> tuple[list[Fact] | None, str]:
    """The amounts a figure's unit is judged against, and what kind of context they are.

    Its own entry or sentence when that has two other figures; for a figure a budget field claimed,
    the other claimed figures; else the one other figure of its sentence or entry (a project's 年初
    预算 2596元 beside its 实际支出 2595.62万元), else the report's other budget figures (a lone
    "收入：792.22元" among 万元 figures; None stands for them) — the last two a sparse context, where the
    rule asks for a tighter "as meant" distance."""
    same = [a for a in index.by_group[amount.meta.get("group")] if a is not amount]
    if len(same) >= 2:
        return same, CONTEXT_PLACE
    # its own sentence (a figure a project entry claimed may stand among others of a sentence), with the
    # 其中 parts that follow it: "政府拨款支出1953.2元" beside 实际利用27652.4万元 and 自筹资金29605.6万元
    sentences = {amount.meta.get("sentence"), amount.meta.get("parts_sentence")} - {None}
    context = [a for key in sentences for a in index.by_sentence.get(key, []) if a is not amount]
    if len(context) >= 2:
        return context, CONTEXT_PLACE
    if amount.meta.get("owner"):
        owned = [a for a in index.owned if a is not amount]
        if len(owned) >= 2:
            return owned, CONTEXT_PLACE
    if len(same) == 1:
        return same, CONTEXT_SPARSE
    return None, CONTEXT_SPARSE


def _digits(q: Quantity) -> str:
    return q.written.lstrip("-").rstrip("亿万千元").replace(",", "")


def _twin_gap(amount: Fact, unit: str, index: _Amounts) -> float | None:
    """How far (orders of magnitude) the same figure written elsewhere in the report in `unit` stands: "收入：792.22元" where the report also says "财政拨款收入792.22万元" (the other
    mention need not be a budget figure: "下达资金85.84元，未支付，结余85.84万元"). None without a twin."""
    q = amount.fields["value"]
    digits = _digits(q)
    gaps = [_log_ratio(q.value, a.fields["value"].value) for a in index.twins.get((unit, digits), []) if a is not amount]
    return max(gaps) if gaps else None


def _context(amount: Fact, index: _Amounts) -> tuple[int, Counter, Decimal, str] | None:
    """How many amounts the figure is judged against, their units, their median size, the kind of context."""
    neighbours, kind = _neighbours(amount, index)
    if neighbours is None:
        count, units, typical = index.others(amount)
    else:
        count = len(neighbours)
        units = Counter(n.fields["unit_written"] for n in neighbours)
        typical = Decimal(median(abs(n.fields["value"].value) for n in neighbours)) if neighbours else Decimal(0)
    if not count:
        return None  # no other amount: nothing to judge a unit against
    return count, units, typical, kind


def _orders(value: float) -> Quantity:
    """A computed measure: no written form (it is not a figure of the report)."""
    return Quantity(Decimal(f"{value:.{GAP_PLACES}f}"), GAP_PLACES, "", "")


def measure_units(facts: list[Fact]) -> None:
    """Each amount's unit against the amounts around it, as figures for budget.unit-anomaly: the unit
    most of them are in (usual_unit, its share), how far the amount stands from their median in its
    written unit and as meant in theirs (orders of magnitude), how far a same-digit twin written in
    their unit stands, the kind of context, and whether their unit is the report's own."""
    amounts = [f for f in facts if f.kind == "amount" and f.fields.get("label")
               and f.fields.get("value") and f.fields["value"].value != 0]
    every = [f for f in facts if f.kind == "amount" and f.fields.get("value") and f.fields["value"].value != 0]
    index = _Amounts(amounts, every)
    # the report's own unit: the most frequent, 万元 on a tie (a slip goes 万元 -> 元 far more often)
    prevailing = max(index.units, key=lambda u: (index.units[u], u == "万元")) if index.units else None
    for amount in amounts:
        q: Quantity = amount.fields["value"]
        if amount.fields.get("unit_written") in UNITS_CHOSEN_FOR_SIZE:
            continue  # "旅游综合收入152亿元": a unit picked for a figure that size, never a slip between 元 and 万元
        context = _context(amount, index)
        if context is None:
            continue
        count, units, typical, kind = context
        usual = max(units, key=units.get)
        fields = amount.fields
        fields.update(usual_unit=usual, unit_context=kind, usual_is_prevailing=usual == prevailing,
                      usual_share=Quantity((Decimal(units[usual] * 100) / count).quantize(Decimal("0.1")), 1, "%", ""))
        if typical == 0:
            continue
        if usual == fields["unit_written"]:
            # written in the unit of the others, but as far from them as the other unit would put it
            # ("全年实际支出1,587,600.00万元" beside 162.00万元: the 元 figure with 万元 after it)
            other = _OTHER_UNIT.get(usual)
            far = _log_ratio(q.value, typical)
            if other is None or abs(far) < SAME_UNIT_MIN_ORDERS:
                continue
            meant = _as_meant(q, other)
            reason = (f"同一处的其他{count}个金额也以{usual}计（中位数约{typical:,.2f}万元），它却是它们的约"
                      f"{10 ** round(far):,}倍，按“{other}”理解才与它们相当")
            fields.update(magnitude_gap=_orders(far), meant_gap=_orders(_log_ratio(meant.value, typical)),
                          meant_unit=other, meant_value=meant, anomaly_reason=reason)
            continue
        meant = _as_meant(q, usual)
        far, near = _log_ratio(q.value, typical), _log_ratio(meant.value, typical)
        fields.update(magnitude_gap=_orders(far), meant_gap=_orders(near), meant_unit=usual, meant_value=meant,
                      anomaly_reason=(
                          f"同一处的其他{count}个金额都以{usual}计（中位数约{typical:,.2f}万元），"
                          f"按“{fields['unit_written']}”理解只有{q.value.normalize():,f}万元，相差约{10 ** round(far):,}倍"))
        twin = _twin_gap(amount, usual, index)
        if twin is not None:  # the rule asks for enough digits that the same figure is no coincidence
            fields["twin_gap"] = _orders(twin)
            fields["significant_digits"] = Quantity(Decimal(sum(ch.isdigit() for ch in _digits(q).lstrip("0."))), 0, "个", "")


def read_as_meant(facts: list[Fact], fids: set[int]) -> list[Fact]:
    """The facts with the amounts `fids` (those budget.unit-anomaly found) read as meant: the field each
    was read into takes the meant value (keeping what was written, for messages), and the facts computed
    from those fields are computed again. A copy: the facts given (cached, shared) stay as read."""
    # the facts whose fields change are copied (their fields dicts new); the others are shared
    changed = {id(f): replace(f, fields=dict(f.fields)) for f in facts if f.kind in _SUMMARISED}
    for amount in facts:
        if amount.kind != "amount" or amount.fid not in fids or amount.fields.get("meant_value") is None:
            continue
        owner = amount.meta.get("owner")
        if owner is not None:
            fact = changed.setdefault(id(owner.fact), replace(owner.fact, fields=dict(owner.fact.fields)))
            meant, written = amount.fields["meant_value"], amount.fields["value"].written
            fact.fields[owner.field] = Quantity(meant.value, meant.places, meant.unit, written)
    facts = [changed.get(id(f), f) for f in facts]
    kept = [f for f in facts if f.kind not in _RECOMPUTED]
    summarise_scores(kept)
    return _numbered(kept, budget_compositions(kept) + budget_splits(kept), start=max(f.fid for f in facts) + 1)


COLUMNS = (("initial", "年初预算数"), ("full_year", "全年预算数"), ("final", "决算数"))


def budget_compositions(facts: list[Fact]) -> list[Fact]:
    by_scope = {f.fields.get("scope"): f for f in facts if f.kind == "budget"}
    total, basic, project = (by_scope.get(k) for k in ("部门整体", "基本支出", "项目支出"))
    if total is None or (basic is None and project is None):
        return []
    out = []
    for key, label in COLUMNS:
        if total.fields.get(key) is None:
            continue
        fields = {"column": label, "total": total.fields[key]}
        evidence = []
        for name, fact in (("basic", basic), ("project", project)):
            if fact is not None and fact.fields.get(key) is not None:
                fields[name] = fact.fields[key]
        for fact in (total, basic, project):
            ev = fact.field_evidence.get(key) if fact else None
            if ev and ev not in evidence:
                evidence.append(ev)
        out.append(Fact("budget_composition", f"部门整体{label}", fields, evidence or list(total.evidence), "derive.composition"))
    return out


def budget_splits(facts: list[Fact]) -> list[Fact]:
    """A self-evaluation form divides its 年度资金总额 two ways (按收入性质分 / 按支出性质分, the lexicon's
    fund_nature): the two groups' totals, side by side, for the rule to compare."""
    ways = lexicon_entry("fund_nature")
    groups = [f for f in facts if f.kind == "breakdown" and f.fields.get("label") in ways
              and f.fields.get("total") is not None]
    out = []
    for first, second in zip(groups, groups[1:]):
        if first.fields["label"] == second.fields["label"]:
            continue
        fields = {"first": first.fields["label"], "first_total": first.fields["total"],
                  "second": second.fields["label"], "second_total": second.fields["total"]}
        out.append(Fact("budget_split", f"{fields['first']}与{fields['second']}", fields,
                        first.evidence[:1] + second.evidence[:1], "derive.split", anchor="header"))
    return out


def figure_repeats(facts: list[Fact]) -> list[Fact]:
    """The same budget figure stated twice with different values (prose vs table, two sections)."""
    doc = next((f for f in facts if f.kind == "document"), None)
    mentions = doc.meta.get("mentions", []) if doc else []
    first: dict[str, tuple] = {}
    out = []
    for label, value, evidence in mentions:
        if label not in first:
            first[label] = (value, evidence)
            continue
        value0, evidence0 = first[label]
        if evidence0 != evidence:  # every repeat is a fact; the rule decides what differs
            out.append(Fact("figure_repeat", label, {"label": label, "first": value0, "second": value},
                            [evidence0, evidence], "derive.conflict"))
    return out


def _rate_of(budget: Fact):
    rate = budget.fields.get("rate_stated")
    if rate is not None:
        return rate
    final, full = budget.fields.get("final"), budget.fields.get("full_year")
    if final is not None and full is not None and full.value:
        return Quantity((final.value / full.value * 100).quantize(Decimal("0.01")), 2, "%")
    return None


def summarise_scores(facts: list[Fact]) -> None:
    """Totals the self-evaluation rules compare with: execution rate, sum of part scores."""
    se = next((f for f in facts if f.kind == "self_evaluation"), None)
    doc = next((f for f in facts if f.kind == "document"), None)
    overall = next((f for f in facts if f.kind == "budget" and f.fields.get("scope") == "部门整体"), None)
    groups = [f for f in facts if f.kind == "indicator_group"]
    execution = next((f for f in facts if f.kind == "execution_score"), None)
    if se is not None:
        rate = _rate_of(overall) if overall else None
        if rate is None and execution is not None:
            rate = execution.fields.get("rate")
        if rate is not None:
            se.fields["execution_rate"] = rate
        parts = []  # (full marks, score) of each part: level-1 groups (prose or table), then execution
        for g in groups:
            part = _group_part(g)
            if part is not None and g.fields.get("name") != "全部":
                parts.append(part)
        if not parts:
            parts += _ungrouped_part(facts)
        if execution is not None and execution.fields.get("rate") is None:
            _execution_rate_of_report(facts, execution)
        if execution is not None and execution.fields.get("weight") is not None and execution.fields.get("score") is not None:
            parts.append((execution.fields["weight"], execution.fields["score"]))
        if parts:
            for key, index in (("parts_full_marks", 0), ("parts_score", 1)):
                qs = [p[index] for p in parts]
                se.fields[key] = Quantity(sum(q.value for q in qs), max(q.places for q in qs), "分")
    if doc is not None:
        for g in groups:
            if doc.fields.get("char_count") is not None:
                g.fields["report_chars"] = Quantity(Decimal(doc.fields["char_count"]), 0, "个")
        if groups:
            doc.fields["indicator_groups"] = "、".join(dict.fromkeys(g.fields["name"] for g in groups))
        _deviation_measures(facts, doc)


def _execution_rate_of_report(facts: list[Fact], execution: Fact) -> None:
    """The rate an execution score written in prose is scored on ("预算执行率分值10分，得分9.50分" with the
    rate stated elsewhere): the only project's stated rate in a project report, the department's stated
    rate in a department report; none where it cannot be told which."""
    doc = next((f for f in facts if f.kind == "document"), None)
    kind = doc.fields.get("report_kind") if doc is not None else None
    if kind == "项目":
        projects = [f for f in facts if f.kind == "project"]
        source = projects[0] if len(projects) == 1 else None
    elif kind == "部门整体":
        source = next((f for f in facts if f.kind == "budget" and f.fields.get("scope") == "部门整体"
                       and f.anchor != "inferred"), None)
    else:
        source = None
    rate = source.fields.get("rate_stated") if source is not None else None
    if rate is not None:
        execution.fields["rate"] = rate
        if rate_evidence := source.field_evidence.get("rate_stated"):
            execution.field_evidence["rate"] = rate_evidence


def _ungrouped_part(facts: list[Fact]) -> list[tuple[Quantity, Quantity]]:
    """A table with no level columns (指标名称 | … | 分值 | 得分): its rows together are the indicators' part
    of the total, where no row names a level-1 group and every row states its weight and score."""
    rows = [f for f in facts if f.kind == "indicator"]
    if not rows or any(f.fields.get("level1") for f in rows) \
            or any(f.fields.get("weight") is None or f.fields.get("score") is None for f in rows):
        return []
    weights, scores = [f.fields["weight"] for f in rows], [f.fields["score"] for f in rows]
    return [(Quantity(sum(q.value for q in weights), max(q.places for q in weights), "分"),
             Quantity(sum(q.value for q in scores), max(q.places for q in scores), "分"))]


def _group_part(group: Fact) -> tuple[Quantity, Quantity] | None:
    """A level-1 group's (marks, score) as a part of the total: the stated pair; marks stated alone (a form's
    产出指标(50分)) with its rows' score, where the rows read make up those marks (not where a row was dropped
    or a page lost); else its rows' sums."""
    marks, score = group.fields.get("full_marks"), group.fields.get("score")
    rows_marks, rows_score = group.fields.get("rows_full_marks"), group.fields.get("rows_score")
    if marks is not None and score is not None:
        return marks, score
    if marks is not None:
        whole = rows_marks is not None and rows_score is not None and rows_marks.value == marks.value
        return (marks, rows_score) if whole else None
    return (rows_marks, rows_score) if rows_marks is not None and rows_score is not None else None


def _deviation_measures(facts: list[Fact], doc: Fact) -> None:
    """What shows a deviation, as figures on the document for structure.problems-not-empty: the lowest
    execution rate stated, how many level-1 groups scored below their marks, the total score."""
    rates = [f.fields["rate_stated"] for f in facts if f.kind in ("project", "budget") and f.fields.get("rate_stated") is not None]
    if rates:
        doc.fields["lowest_rate_stated"] = min(rates, key=lambda q: q.value)
    groups = [f for f in facts if f.kind == "indicator_group"
              and f.fields.get("score") is not None and f.fields.get("full_marks") is not None]
    if groups:
        below = sum(1 for g in groups if g.fields["score"].value < g.fields["full_marks"].value)
        doc.fields["groups_below_marks"] = Quantity(Decimal(below), 0, "个", "")
    se = next((f for f in facts if f.kind == "self_evaluation" and f.fields.get("score_total") is not None), None)
    if se is not None:
        doc.fields["score_total"] = se.fields["score_total"]


def _text_met(target: str, achieved: str) -> bool | None:
    """Whether a result written in words met its target: the target's own words, or a word of
    completion not qualified as partial (基本完成 falls short of 建立 / 及时 / 显著提升)."""
    if not achieved:
        return None
    if achieved == target or any(w in achieved for w in words("indicators.met_negations")):
        return True  # "未超预算" against "不超过预算": a 未 that says the limit held
    if achieved.startswith(words("indicators.partly")) or any(w in achieved for w in words("indicators.unmet")):
        return False
    return True if any(w in achieved for w in words("indicators.met")) else None


def measure_indicators(facts: list[Fact]) -> None:
    """Each indicator row's shortfall against its target, in the direction the row states (≥: target −
    achieved; ≤: achieved − target; =: the distance; none written: lower is better for the lexicon's
    indicators.lower_is_better names, else higher), the words of a result in words (met_in_words), and
    the score the B/A (A/B) formula gives — in a project's form: a department's scoring table scores each
    row by its 评分标准. Whether a row is unmet is the rules' (shortfall > 0)."""
    doc = next((f for f in facts if f.kind == "document"), None)
    by_formula = doc is None or doc.fields.get("report_kind") != "部门整体"
    for f in (x for x in facts if x.kind == "indicator"):
        target, actual = f.fields.get("target"), f.fields.get("achieved")
        direction = f.fields.get("direction") or ""
        if target is not None and actual is not None:
            # no direction written: a name of the kind that is better lower (受害率, 事故率 …) says it
            lower_is_better = direction in ("≤", "<") or direction.startswith("反向") or (
                direction not in ("≥", ">", "=") and not direction.startswith("正向")
                and any(w in (f.fields.get("name") or "") for w in words("indicators.lower_is_better")))
            gap = actual.value - target.value if lower_is_better else target.value - actual.value
            if direction == "=":
                gap = abs(gap)
            f.fields["shortfall"] = Quantity(gap, max(target.places, actual.places), target.unit, "")
            weight = f.fields.get("weight")
            # a row that states its own scoring rule (评分标准) is scored by it, not by the B/A formula
            if by_formula and weight is not None and target.value > 0 and actual.value > 0 and not f.fields.get("criteria"):
                ratio = target.value / actual.value if lower_is_better else actual.value / target.value
                expected = weight.value * min(ratio, Decimal(1))
                f.fields["formula_score"] = Quantity(expected.quantize(Decimal("0.01")), 2, "分")
        else:
            met = _text_met(f.fields.get("target_text") or "", f.fields.get("achieved_text") or "")
            if met is not None:
                f.fields["met_in_words"] = met


def merge_group_subtotals(facts: list[Fact]) -> list[Fact]:
    """A table's group 合计 row states the group's marks and score: the prose's fact of that group takes
    the ones it lacks and the row's fact goes; a group the prose does not describe keeps the row's fact."""
    groups: dict[str, Fact] = {}
    subtotals: list[Fact] = []
    for f in facts:
        if f.kind != "indicator_group":
            continue
        if f.extractor.endswith("table.indicator-subtotal"):
            subtotals.append(f)
        else:
            groups.setdefault(f.fields.get("name"), f)
    dropped = set()
    for sub in subtotals:
        name = sub.fields["name"]
        if name in groups:
            for key in ("full_marks", "score"):
                if key in sub.fields:  # a level-1 cell "产出指标(50分)" states the marks only
                    groups[name].fields.setdefault(key, sub.fields[key])
            dropped.add(id(sub))
        else:
            groups[name] = sub
    return [f for f in facts if id(f) not in dropped]


def aggregate_indicator_rows(facts: list[Fact]) -> list[Fact]:
    """Indicator table rows per level-1 group, joined to the group the prose describes."""
    rows: dict[str, list[Fact]] = {}
    for f in facts:
        if f.kind == "indicator" and f.fields.get("level1"):
            rows.setdefault(f.fields["level1"], []).append(f)
    groups: dict[str, Fact] = {}
    for f in facts:  # the first fact of a group, the one the score parts add to (extract_score_parts)
        if f.kind == "indicator_group":
            groups.setdefault(f.fields.get("name"), f)
    created = []
    for name, items in rows.items():
        group = groups.get(name)
        if group is None:
            group = Fact("indicator_group", f"{name}指标", {"name": name}, [items[0].evidence[0]], "derive.indicator_rows")
            created.append(group)
        if any(group is c for c in created) or group.extractor.endswith("table.indicator-subtotal"):  # the table's own
            dims = list(dict.fromkeys((i.fields.get("level2") or "").replace("指标", "") for i in items if i.fields.get("level2")))
            if dims:
                group.fields.setdefault("dimensions", "、".join(dims))
        for key, target in (("weight", "rows_full_marks"), ("score", "rows_score")):
            values = [i.fields[key] for i in items if i.fields.get(key) is not None]
            if values and len(values) == len(items):
                group.fields[target] = Quantity(sum(v.value for v in values), max(v.places for v in values), "分")
        # the rows are counted only where the table was read whole: their weights add up to the group's
        # marks (stated in the prose or the table's 合计 row); a row dropped or a page lost would not
        full, read = group.fields.get("full_marks"), group.fields.get("rows_full_marks")
        if full is not None and read is not None and full.value == read.value:
            group.fields["rows"] = Quantity(Decimal(len(items)), 0, "个")
    return created


def count_rows_of_whole_table(facts: list[Fact]) -> None:
    """Each group's rows are counted (for indicators.count-score-match) where the table was read whole: its
    rows' marks, with the execution block's, make up the marks its 合计 / 总分 row states (a row dropped or
    a page lost would not), though the groups state no marks of their own."""
    se = next((f for f in facts if f.kind == "self_evaluation" and f.fields.get("marks_in_form") is not None), None)
    rows = [f for f in facts if f.kind == "indicator"]
    if se is None or not rows or any(f.fields.get("weight") is None or not f.fields.get("level1") for f in rows):
        return
    marks = sum(f.fields["weight"].value for f in rows)
    execution = next((f for f in facts if f.kind == "execution_score" and f.fields.get("weight") is not None), None)
    stated = se.fields["marks_in_form"].value
    if stated not in (marks, marks + (execution.fields["weight"].value if execution is not None else 0)):
        return
    for group in (f for f in facts if f.kind == "indicator_group" and "rows" not in f.fields):
        count = sum(1 for f in rows if f.fields["level1"] == group.fields.get("name"))
        if count:
            group.fields["rows"] = Quantity(Decimal(count), 0, "个", "")


_OTHER_UNIT = {"元": "万元", "万元": "元"}


def check_products(facts: list[Fact]) -> None:
    """count × price beside the total, and the total read in the other money unit (3.6元 for 3.6万元):
    budget.product-arithmetic compares the three; where the total equals count × price only in the other
    unit, the amount it was written as gets the figures budget.unit-anomaly reads as a unit slip."""
    for f in (x for x in facts if x.kind == "product"):
        count, price = f.fields["count"], f.fields["price"]
        f.fields["expected_total"] = Quantity(count.value * price.value, max(price.places, 2), "万元")  # in 万元
        written = f.fields["total_written"]
        unit = "万元" if written.endswith("万元") else "元"
        other = _OTHER_UNIT[unit]
        f.fields["total_other_unit"] = money(written[: -len(unit)].replace(",", ""), other)
        f.fields["meant_total"] = f"{written[: -len(unit)]}{other}"
        _mark_total_amount(facts, f, other)


def _mark_total_amount(facts: list[Fact], product: Fact, other_unit: str) -> None:
    written = product.fields["total_written"]
    for amount in (x for x in facts if x.kind == "amount"):
        if amount.fields["value"].written.replace(",", "") == written.replace(",", "") and \
                any(e.text in product.evidence[0].text or product.evidence[0].text in e.text for e in amount.evidence):
            count, price = product.fields["count"], product.fields["price"]
            amount.fields.update(
                product_expected=product.fields["expected_total"], product_meant=product.fields["total_other_unit"])
            if amount.fields.get("meant_unit") in (None, other_unit):
                amount.fields.update(
                    meant_unit=other_unit, meant_value=product.fields["total_other_unit"],
                    anomaly_reason=f"{count.written}×{price.written}={_fmt(product.fields['expected_total'])}")


def _fmt(q: Quantity) -> str:
    value = q.value * 10000
    if value == value.to_integral():
        return f"{int(value):,}元"
    return f"{q.value:,}万元"


_MONEY_KINDS = ("budget", "project", "fund_source", "breakdown")
_SCORE_KINDS = ("self_evaluation", "indicator", "indicator_group", "execution_score")
_SECTION_FIELDS = ("has_basic_info", "has_self_evaluation", "has_problems", "has_measures")


def count_report_signals(facts: list[Fact]) -> None:
    """How many signs of the genre the document shows (budget figures, scores or a grade, report
    sections, the genre's terms in the text or a title naming 绩效/自评): a number a rule judges."""
    doc = next((f for f in facts if f.kind == "document"), None)
    if doc is None:
        return
    kinds = {f.kind for f in facts}
    signals = [
        any(k in kinds for k in _MONEY_KINDS),
        any(k in kinds for k in _SCORE_KINDS),
        any(doc.fields.get(name) is True for name in _SECTION_FIELDS),
        doc.fields.get("names_genre") is True or any(w in str(doc.fields.get("title", "")) for w in words("genre_title_words")),
    ]
    doc.fields["report_signals"] = Quantity(Decimal(sum(signals)), 0, "个")


_RECOMPUTED = ("budget_composition", "budget_split")  # computed again once a figure is read as meant
_SUMMARISED = ("self_evaluation", "document", "indicator_group")  # summarise_scores writes their fields


def _numbered(facts: list[Fact], derived: list[Fact], start: int) -> list[Fact]:
    for i, fact in enumerate(derived):
        fact.fid = start + i
    return facts + derived


def derive(facts: list[Fact]) -> list[Fact]:
    count_report_signals(facts)
    measure_units(facts)
    check_products(facts)
    measure_indicators(facts)
    facts = merge_group_subtotals(facts)
    # the groups only a table's rows show are facts of their own: numbered, as the engine tells facts by number
    facts = _numbered(facts, aggregate_indicator_rows(facts), start=max((f.fid for f in facts), default=0) + 1)
    count_rows_of_whole_table(facts)
    summarise_scores(facts)
    derived = budget_compositions(facts) + budget_splits(facts) + figure_repeats(facts)
    return _numbered(facts, derived, start=max((f.fid for f in facts), default=0) + 1)
