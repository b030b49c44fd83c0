"""Derive stage: facts that need more than one extracted fact, computed in Python/Decimal.

* unit anomalies: an amount whose written unit puts it orders of magnitude away from the
  amounts around it, while the neighbours' unit would put it among them (2655.11元 in a
  project entry of 万元 figures). The field it was read into is then judged "as meant",
  so the arithmetic rules see 2655.11万元 and report only what is wrong even as meant;
* budget composition: 部门整体 vs 基本支出 + 项目支出, per column (年初 / 全年 / 决算).

Within-fact arithmetic (adjusted = initial + adjustment, rates) is not done here: the rule
language does it, with rounding tolerance, from the rule file.
"""
from __future__ import annotations

import math
from decimal import Decimal
from statistics import median

from ..model import Fact, Quantity
from ..extract.numbers import MONEY_UNITS, money

FAR = 2.5  # orders of magnitude that make a figure "far" from its neighbours
NEAR = 1.5  # ... and "among" them


def _log_ratio(a: Decimal, b: Decimal) -> float:
    return abs(math.log10(float(abs(a)) / float(abs(b))))


def _as_meant(q: Quantity, unit: str) -> Quantity:
    number = q.written.lstrip("-").rstrip("亿万千元") or "0"
    return money(number, unit, q.value < 0)


def _neighbours(amount: Fact, amounts: list[Fact]) -> list[Fact]:
    group = amount.meta.get("group")
    same = [a for a in amounts if a is not amount and a.meta.get("group") == group]
    if len(same) >= 2:
        return same
    owned = [a for a in amounts if a is not amount and a.meta.get("owner")]
    return owned


def mark_unit_anomalies(facts: list[Fact]) -> None:
    amounts = [f for f in facts if f.kind == "amount" and f.fields.get("label")
               and f.fields.get("value") and f.fields["value"].value != 0]
    for amount in amounts:
        q: Quantity = amount.fields["value"]
        neighbours = _neighbours(amount, amounts)
        if len(neighbours) < 2:
            continue  # too little context to judge a unit: leave unit_anomaly absent
        units = [n.fields["unit_written"] for n in neighbours]
        usual = max(set(units), key=units.count)
        typical = Decimal(median(abs(n.fields["value"].value) for n in neighbours))
        amount.fields["unit_anomaly"] = False
        if usual == amount.fields["unit_written"] or units.count(usual) * 2 <= len(units) or typical == 0:
            continue
        meant = _as_meant(q, usual)
        far, near = _log_ratio(q.value, typical), _log_ratio(meant.value, typical)
        if far >= FAR and near <= NEAR:
            amount.fields.update(
                unit_anomaly=True,
                meant_unit=usual,
                meant_value=meant,
                anomaly_reason=(
                    f"同一处的其他{len(neighbours)}个金额都以{usual}计（中位数约{typical:,.2f}万元），"
                    f"按“{amount.fields['unit_written']}”理解只有{q.value.normalize():,f}万元，相差约{10 ** round(far):,}倍"
                ),
            )
            owner = amount.meta.get("owner")
            if owner is not None:
                # judge the field as meant; keep what was written for the messages
                owner.fact.fields[owner.field] = Quantity(meant.value, meant.places, meant.unit, q.written)


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
        parts = [g for g in groups if g.fields.get("full_marks") is not None and g.fields.get("score") is not None]
        if execution is not None and execution.fields.get("weight") is not None and execution.fields.get("score") is not None:
            parts.append(execution)
        if parts:
            def total(key):
                qs = [p.fields.get(key) if p.kind == "indicator_group" else p.fields.get("weight" if key == "full_marks" else "score") for p in parts]
                places = max(q.places for q in qs)
                return Quantity(sum(q.value for q in qs), places, "分")
            se.fields["parts_full_marks"] = total("full_marks")
            se.fields["parts_score"] = total("score")
    if doc is not None:
        if groups:
            doc.fields["indicator_groups"] = "、".join(dict.fromkeys(g.fields["name"] for g in groups))
        doc.fields["has_deviation"] = _has_deviation(facts, se)


def _has_deviation(facts: list[Fact], se: Fact | None) -> bool:
    for f in facts:
        rate = f.fields.get("rate_stated") if f.kind in ("project", "budget") else None
        if rate is not None and rate.value < 100:
            return True
        if f.kind == "indicator_group" and f.fields.get("score") is not None and f.fields.get("full_marks") is not None:
            if f.fields["score"].value < f.fields["full_marks"].value:
                return True
    score = se.fields.get("score_total") if se else None
    return bool(score is not None and score.value < 100)


def derive(facts: list[Fact]) -> list[Fact]:
    mark_unit_anomalies(facts)
    summarise_scores(facts)
    derived = budget_compositions(facts) + figure_repeats(facts)
    next_fid = max((f.fid for f in facts), default=0) + 1
    for i, fact in enumerate(derived):
        fact.fid = next_fid + i
    return facts + derived
