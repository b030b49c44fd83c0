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


def derive(facts: list[Fact]) -> list[Fact]:
    mark_unit_anomalies(facts)
    derived = budget_compositions(facts)
    next_fid = max((f.fid for f in facts), default=0) + 1
    for i, fact in enumerate(derived):
        fact.fid = next_fid + i
    return facts + derived
