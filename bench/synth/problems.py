"""Seeded problems: one per report, each with the rule ids expected to catch it.

A problem has a preparation (the clean twin needs it too: a project with a mid-year adjustment,
a low rate with its reason, an unmet indicator …) and a seeding that breaks one thing. `rules` are
the ids that count as finding it; `accepted` are consequences that are not false findings (a wrong
rate that also drops below 95 % without a reason …).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from .model import (D, EXPLANATION_THRESHOLD, GRADE_BANDS, OVERALL_LOWEST, Truth, draw_sources, grade_band, pct, q,
                    reason_text, score_row)
from .compose import plain_number
from .phrases import Chooser

ALL_KINDS = ("department", "project", "form")
REPORT_KINDS = ("department", "project")


@dataclass(frozen=True)
class Problem:
    kinds: tuple
    rules: frozenset
    accepted: frozenset
    prepare: Callable  # (truth, style, chooser) -> target
    seed: Callable     # (truth, style, target, chooser) -> {subject, snippet, detail}


# ---------------------------------------------------------------- preparations


def pick_project(truth: Truth, ch: Chooser) -> int:
    return ch.randint(0, len(truth.projects) - 1) if truth.kind == "department" else 0


def refresh_project(truth: Truth, k: int) -> None:
    """Rate, reason and sources of project k after its figures changed."""
    p = truth.projects[k]
    p.rate = pct(p.spent, p.adjusted, truth.rate_places)
    if p.sources:
        p.sources = draw_sources(Chooser(truth.seed), p, [s[0] for s in p.sources], truth.kind == "form")


def with_adjustment(truth: Truth, style, ch: Chooser) -> int:
    k = pick_project(truth, ch)
    p = truth.projects[k]
    if p.adjustment == 0:
        ratio = p.spent / p.adjusted
        p.adjustment = q(p.initial * D(str(round(ch.uniform(0.1, 0.3), 3))), 2)
        p.adjusted = p.initial + p.adjustment
        p.spent = min(q(p.adjusted * ratio, 2), p.adjusted)
        refresh_project(truth, k)
        if p.rate < EXPLANATION_THRESHOLD and not p.reason:
            p.reason = reason_text(ch)
    return k


def with_overall_adjustment(truth: Truth, style, ch: Chooser) -> None:
    """The department's budget adjusted mid-year (its spending keeps its share of the budget)."""
    b = truth.budget
    if b.adjustment == 0:
        ratio = b.spent / b.adjusted
        b.adjustment = q(b.initial * D(str(round(ch.uniform(0.1, 0.3), 3))), 2)
        b.adjusted = b.initial + b.adjustment
        b.spent = min(q(b.adjusted * ratio, 2), b.adjusted)
        b.spent_basic = min(b.spent_basic, b.spent)
        b.spent_project = b.spent - b.spent_basic
        b.rate = pct(b.spent, b.adjusted, truth.rate_places)
        if b.rate < EXPLANATION_THRESHOLD and not b.reason:
            b.reason = reason_text(ch)
    return None


def with_low_rate(truth: Truth, style, ch: Chooser) -> int:
    k = pick_project(truth, ch)
    p = truth.projects[k]
    if p.rate >= EXPLANATION_THRESHOLD - 3:
        lowest = 0.6 if truth.kind == "department" else OVERALL_LOWEST
        p.spent = q(p.adjusted * D(str(round(ch.uniform(lowest, 0.92), 3))), 2)
        refresh_project(truth, k)
    p.reason = p.reason or reason_text(ch)
    return k


def in_wan(truth: Truth, style, ch: Chooser) -> int:
    truth.unit = style.unit = "万元"
    return pick_project(truth, ch)


def make_unmet(ind, ch: Chooser) -> None:
    if ind.met:
        if ind.kind == "done":
            ind.actual, ind.score = "基本完成", q(ind.weight * D("0.8"), 2)
        else:
            ind.actual, ind.score = score_row(ind.kind, D(ind.target), D(str(round(ch.uniform(0.6, 0.9), 2))), ind.weight)
        ind.met = False
    ind.reason = ind.reason or ch.pick("unmet_reasons")


def with_unmet_row(truth: Truth, style, ch: Chooser) -> int:
    r = ch.randint(0, len(truth.indicators) - 1)
    make_unmet(truth.indicators[r], ch)
    return r


def with_met_row(truth: Truth, style, ch: Chooser) -> int:
    """A met row whose group also has an unmet one: the seeded excess then fits in the group's shortfall,
    so the group and the total stay within their marks."""
    groups = {}
    for i, ind in enumerate(truth.indicators):
        groups.setdefault(ind.l1, []).append(i)
    rows = ch.pick([g for g in groups.values() if len(g) >= 2])
    r, sibling = ch.sample(rows, 2)
    ind = truth.indicators[r]
    ind.met, ind.score, ind.actual, ind.reason = True, ind.weight, ind.target, ""
    make_unmet(truth.indicators[sibling], ch)
    return r


def group_shortfall(truth: Truth, l1: str) -> Decimal:
    rows = [i for i in truth.indicators if i.l1 == l1]
    return sum(i.weight - i.score for i in rows)


def with_grade(truth: Truth, style, ch: Chooser) -> None:
    if truth.kind == "form" and "grade" not in truth.sections:
        truth.sections.append("grade")


def any_project(truth: Truth, style, ch: Chooser) -> int:
    return pick_project(truth, ch)


def nothing(truth: Truth, style, ch: Chooser) -> None:
    return None


def grouped_table(truth: Truth, style, ch: Chooser) -> None:
    """A count per level-2 group can be checked only against a table that shows its groups: a table
    drawn without level columns gets them, before its other columns."""
    style.order = ["l1", "l2"] + [c for c in style.order if c not in ("l1", "l2")]
    return None


# ---------------------------------------------------------------- seedings


def seed_adjustment(truth, style, k, ch):
    p = truth.projects[k]
    stated = q(p.adjustment * D(str(round(ch.uniform(1.2, 1.6), 2))), 2)
    style.show[f"p{k}.adjustment"] = stated
    return {"subject": p.name, "detail": f"年中调整写为{stated}，应为{p.adjustment}"}


def seed_overall_adjustment(truth, style, target, ch):
    b = truth.budget
    stated = q(abs(b.adjustment) * D(str(round(ch.uniform(1.2, 1.6), 2))), 2)
    style.show["b.adjustment"] = stated
    return {"subject": None, "detail": f"部门年中调整写为{stated}，应为{abs(b.adjustment)}"}


def seed_rate(truth, style, k, ch):
    p = truth.projects[k]
    delta = D(ch.randint(3, 8))
    stated = p.rate + delta if p.rate + delta <= 100 else p.rate - delta
    style.show[f"p{k}.rate"] = stated
    return {"subject": p.name, "detail": f"执行率写为{stated}%，应为{p.rate}%"}


def seed_unit_slip(truth, style, k, ch):
    p = truth.projects[k]
    style.slip = f"p{k}.initial"
    return {"subject": p.name, "snippet": f"{p.initial:.2f}元", "detail": f"{p.initial}万元写作{p.initial}元"}


def in_wan_prose(truth: Truth, style, ch: Chooser) -> int:
    """A project written in prose in a 万元 report (a table's cells carry no unit to slip)."""
    style.project_table = False
    return in_wan(truth, style, ch)


def seed_unit_slip_up(truth, style, k, ch):
    """The spending's 元 digits written with 万元 after them (万元 figures all around)."""
    p = truth.projects[k]
    style.show[f"p{k}.spent"] = p.spent * 10000
    written = plain_number(p.spent * 10000, 2, style.thousands)
    return {"subject": p.name, "snippet": written, "detail": f"实际支出{p.spent}万元写作{written}万元"}


def seed_reason_removed(truth, style, k, ch):
    p = truth.projects[k]
    style.show[f"p{k}.reason"] = ""
    return {"subject": p.name, "detail": f"执行率{p.rate}%，未说明原因"}


def neighbour_grade(grade: str) -> str:
    order = [g for _, g in GRADE_BANDS]
    i = order.index(grade)
    return order[i + 1] if i + 1 < len(order) else order[i - 1]


def seed_grade(truth, style, target, ch):
    wrong = neighbour_grade(truth.grade)
    style.show["grade"] = wrong
    return {"subject": None, "detail": f"得分{truth.total}，等级写为{wrong}"}


def seed_total(truth, style, target, ch):
    delta = D(str(ch.pick([1, 1.5, 2, 2.5, 3])))
    up = truth.total + delta
    stated = up if up <= 100 and grade_band(up) == truth.grade else truth.total - delta
    style.show["total"] = stated
    return {"subject": None, "detail": f"各部分合计{truth.total}，总分写为{stated}"}


def seed_breakdown(truth, style, target, ch):
    if truth.kind == "department":
        b = truth.budget
        delta = max(q(b.spent * D(str(round(ch.uniform(0.03, 0.1), 3))), 2), D(1))
        style.show["b.spent_basic"] = b.spent_basic + delta
        return {"subject": None, "detail": f"基本支出写为{b.spent_basic + delta}，与合计{b.spent}不符"}
    p = truth.projects[0]
    delta = max(q(p.adjusted * D(str(round(ch.uniform(0.03, 0.1), 3))), 2), D(1))
    style.show["s0"] = p.sources[0][2] + delta
    return {"subject": None, "detail": f"{p.sources[0][0]}写为{p.sources[0][2] + delta}，分项之和不等于{p.adjusted}"}


def seed_row_over(truth, style, r, ch):
    ind = truth.indicators[r]
    excess = min(D(str(ch.pick([0.5, 1, 2]))), group_shortfall(truth, ind.l1))
    ind.score = ind.weight + excess
    return {"subject": ind.name, "detail": f"得分{ind.score}超过分值{ind.weight}"}


def seed_full_unmet(truth, style, r, ch):
    ind = truth.indicators[r]
    ind.score = ind.weight
    return {"subject": ind.name, "detail": f"目标{ind.target}，完成{ind.actual}，得满分{ind.weight}"}


def seed_unmet_reason(truth, style, r, ch):
    ind = truth.indicators[r]
    style.show[("reason", ind.name)] = ""
    return {"subject": ind.name, "detail": f"目标{ind.target}，完成{ind.actual}，无偏差原因"}


def seed_coverage(truth, style, target, ch):
    c = truth.coverage
    evaluated = max(1, c["total"] - ch.randint(1, 3))
    style.show["coverage.evaluated"] = evaluated
    return {"subject": None, "detail": f"自评{evaluated}个/共{c['total']}个，覆盖率写为{c['rate']}%"}


def seed_enumeration(truth, style, target, ch):
    e = truth.enumerations[0]
    stated = e.count + ch.pick([-1, 1]) if e.count > 2 else e.count + 1
    style.show[("enum", e.template)] = stated
    return {"subject": None, "detail": f"写{stated}个，列举{e.count}个"}


def seed_section(truth, style, target, ch):
    role = ch.pick(["problems", "measures"])
    truth.sections.remove(role)
    return {"subject": None, "detail": f"删去{role}部分"}


def seed_indicator_count(truth, style, target, ch):
    ind = ch.pick(truth.indicators)
    group = ind.l1[:-2]
    n = sum(1 for i in truth.indicators if i.l1 == ind.l1 and i.l2 == ind.l2)
    style.show["dim_counts"] = {(group, ind.l2): n + 1}
    return {"subject": group, "detail": f"{ind.l2}写{n + 1}个，表中{n}行"}


def rules(*ids: str) -> frozenset:
    return frozenset(ids)


PROBLEMS = {
    "adjustment-mismatch": Problem(REPORT_KINDS, rules("budget.adjustment-arithmetic"), rules(),
                                   with_adjustment, seed_adjustment),
    "overall-adjustment-mismatch": Problem(("department",), rules("budget.overall-adjustment-arithmetic"),
                                           rules("budget.figures-consistent"), with_overall_adjustment,
                                           seed_overall_adjustment),
    "rate-wrong": Problem(ALL_KINDS, rules("execution.rate-arithmetic", "budget.completion-rate"),
                          rules("execution.explanation-required", "execution.score-formula", "execution.over-100"),
                          any_project, seed_rate),
    "unit-slip": Problem(REPORT_KINDS, rules("budget.unit-anomaly"),
                         rules("budget.adjustment-arithmetic", "execution.rate-arithmetic", "execution.denominator",
                               "execution.over-100", "budget.figures-consistent", "execution.explanation-required"),
                         in_wan, seed_unit_slip),
    "unit-slip-up": Problem(REPORT_KINDS, rules("budget.unit-anomaly"),
                            rules("execution.rate-arithmetic", "execution.denominator", "execution.over-100",
                                  "budget.figures-consistent", "execution.spend-within-budget", "budget.breakdown-sum"),
                            in_wan_prose, seed_unit_slip_up),
    "reason-missing": Problem(REPORT_KINDS, rules("execution.explanation-required"), rules(),
                              with_low_rate, seed_reason_removed),
    "grade-band": Problem(ALL_KINDS, rules("score.grade-band"), rules("score.grade-consistent", "score.inflation"),
                          with_grade, seed_grade),
    "parts-sum": Problem(ALL_KINDS, rules("score.breakdown-sum"),
                         rules("score.grade-band", "indicators.count-score-match"), nothing, seed_total),
    "breakdown-sum": Problem(ALL_KINDS, rules("budget.breakdown-sum", "budget.total-composition"),
                             rules("execution.fund-source-rate", "execution.fund-source-within-budget"),
                             nothing, seed_breakdown),
    "row-over-weight": Problem(ALL_KINDS, rules("indicators.row-score-cap"),
                               rules("indicators.score-formula", "indicators.count-score-match"),
                               with_met_row, seed_row_over),
    "full-score-unmet": Problem(ALL_KINDS, rules("indicators.full-score-unmet"),
                                rules("indicators.score-formula", "indicators.count-score-match"),
                                with_unmet_row, seed_full_unmet),
    "unmet-no-reason": Problem(ALL_KINDS, rules("indicators.unmet-without-reason"), rules(),
                               with_unmet_row, seed_unmet_reason),
    "coverage-wrong": Problem(("department",), rules("coverage.recompute", "coverage.self-evaluation"), rules(),
                              nothing, seed_coverage),
    "enumeration-count": Problem(("department",), rules("structure.enumeration-count"), rules(),
                                 nothing, seed_enumeration),
    "section-missing": Problem(("department",), rules("structure.required-sections"), rules(),
                               nothing, seed_section),
    "indicator-count": Problem(REPORT_KINDS, rules("indicators.count-score-match"), rules(),
                               grouped_table, seed_indicator_count),
}


def problems_for(kind: str) -> list[str]:
    return [name for name, p in PROBLEMS.items() if kind in p.kinds]
