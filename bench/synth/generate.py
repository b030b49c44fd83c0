"""One synthetic report from a seed: its truth, drawn; a seeded problem, applied; its blocks, composed.

A seeded report and its clean twin share the seed: the twin is the same report with the problem's
preparation (a low rate that needs a reason, an unmet indicator …) but without the problem, so the
bench can tell the problem's findings from what the report gives anyway.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from .compose import Block, compose, draw_style
from .model import (EXPLANATION_THRESHOLD, KINDS, OVERALL_LOWEST, D, Truth, draw_budget, draw_enumerations, draw_indicators,
                    draw_project, draw_sources, grade_band, part_weights, pct, sum_parts, sum_total)
from .phrases import Chooser
from .problems import PROBLEMS

RATE_PLACES = (0, 1, 2, 2, 2)
QUALITIES = ("high",) * 6 + ("medium",) * 3 + ("low",)
DEPT_SECTIONS = ["dept_basic", "budget", "projects", "coverage", "indicators", "conclusion", "problems", "measures"]
PROJECT_SECTIONS = ["project_basic", "funds", "indicators", "conclusion", "problems", "measures"]
SOURCE_LABELS = (["中央转移支付资金", "省级配套资金", "县级配套资金"], ["当年财政拨款", "上年结转资金"],
                 ["中央财政资金", "地方财政资金"])
FORM_SOURCES = ["其中：当年财政拨款", "上年结转资金", "其他资金"]


@dataclass
class Report:
    truth: Truth
    blocks: list[Block]
    expected: dict | None  # the seeded problem: type, rules, accepted, subject, snippet


def draw_title(ch: Chooser, kind: str, org: str, year: int, project: str) -> str:
    if kind == "department":
        return ch.pick([f"{org}{year}年度部门整体支出绩效自评报告", f"{org}{year}年整体支出绩效自评报告",
                        f"{org}{year}年度部门整体支出绩效评价报告"])
    if kind == "project":
        return ch.pick([f"{org}{year}年度{project}项目支出绩效自评报告", f"{project}{year}年度绩效自评报告",
                        f"{org}{project}绩效自评报告"])
    return ch.pick("form.titles")


def place_conclusion(ch: Chooser, sections: list[str]) -> list[str]:
    """Some reports open with their score (自评得分情况 first), most give it after the analysis."""
    if ch.chance(0.3):
        rest = [s for s in sections if s != "conclusion"]
        return [rest[0], "conclusion", *rest[1:]] if ch.chance(0.5) else ["conclusion", *rest]
    return sections


def draw_truth(ch: Chooser, kind: str, seed: int) -> Truth:
    org = ch.pick("orgs.dept_prefix") + ch.pick("orgs.dept_core")
    year = ch.randint(2018, 2024)
    places = ch.pick(list(RATE_PLACES))
    unit = "元" if ch.chance(0.2) else "万元"
    names = ch.sample("projects.names", 6)
    weights = part_weights(ch)
    budget, coverage, enumerations = None, None, []
    if kind == "department":
        budget = draw_budget(ch, places)
        projects = [draw_project(ch, n, places, 0.25) for n in names[:ch.randint(3, 6)]]
        sections = place_conclusion(ch, DEPT_SECTIONS + (["results_use"] if ch.chance(0.4) else []))
        total_projects = ch.randint(len(projects), 30)
        coverage = {"evaluated": total_projects, "total": total_projects, "rate": pct(D(total_projects), D(total_projects), places)}
        enumerations = draw_enumerations(ch)
        exec_rate = budget.rate
    else:
        p = draw_project(ch, names[0], places, 0.3, OVERALL_LOWEST)
        labels = FORM_SOURCES if kind == "form" else ch.pick(list(SOURCE_LABELS))
        p.sources = draw_sources(ch, p, labels, kind == "form")
        projects, exec_rate = [p], p.rate
        sections = ["grade"] if kind == "form" and ch.chance(0.6) else []
        if kind == "project":
            sections = place_conclusion(ch, PROJECT_SECTIONS)
    indicators = draw_indicators(ch, weights, ch.pick(list(QUALITIES)))
    truth = Truth(kind, seed, org, year, draw_title(ch, kind, org, year, names[0]), unit, places, budget, projects,
                  indicators, {}, D(0), "", coverage, enumerations, sections)
    truth.parts = sum_parts(indicators, weights, exec_rate)
    settle_scores(truth)
    return truth


def exec_rate(truth: Truth):
    return truth.budget.rate if truth.budget else truth.projects[0].rate


def settle_scores(truth: Truth) -> None:
    """Part scores, total and grade from the rows (after a problem changed a row's score)."""
    weights = {k: int(w) for k, (w, _) in truth.parts.items()}
    truth.parts = sum_parts(truth.indicators, weights, exec_rate(truth))
    truth.total = sum_total(truth.parts)
    truth.grade = grade_band(truth.total)


def generate(seed: int, kind: str, problem: str | None = None, prepare: str | None = None) -> Report:
    """The report of this seed and kind; with `problem` seeded, with only `prepare` its clean twin."""
    assert kind in KINDS
    ch = Chooser(seed)
    truth = draw_truth(ch, kind, seed)
    style = draw_style(ch, truth)
    expected = None
    name = problem or prepare
    if name:
        spec = PROBLEMS[name]
        pch = Chooser(seed * 1009 + 17)
        target = spec.prepare(truth, style, pch)
        settle_scores(truth)
        if problem:
            clean = copy.deepcopy(truth)
            expected = spec.seed(truth, style, target, pch)
            settle_scores(truth)
            expected.update(type=name, rules=sorted(spec.rules), accepted=sorted(spec.accepted))
            truth.problem = {**expected, "clean_total": str(clean.total)}
    assert_clean_arithmetic(truth) if not problem else None
    return Report(truth, compose(truth, style, ch), expected)


def assert_clean_arithmetic(truth: Truth) -> None:
    """A clean truth's own sums (the unit tests check the same from outside)."""
    for p in truth.projects:
        assert p.adjusted == p.initial + p.adjustment
        assert p.rate == pct(p.spent, p.adjusted, truth.rate_places)
        assert p.reason or p.rate >= EXPLANATION_THRESHOLD
    assert truth.total == sum(s for _, s in truth.parts.values())
    assert truth.grade == grade_band(truth.total)
