"""Seeded-problem recall on the development corpus (a measurement, not a test).

    python bench/seeded_recall.py [--corpus DIR] [--only 005,027] [--layouts txt,paragraph]
                                  [--per-type 3] [--out bench/SEEDED.md]

For each corpus excerpt (NNN.txt), the example report and tests/variants/*.txt, the facts perfcheck reads from the
clean text are turned into one-edit mutations the way a test-corpus builder seeds problems
(a stated 执行率 that no longer fits the figures, an adjustment that no longer adds up, 万元
turned into 元, an explanation removed, a grade or score moved across a band, coverage below
100 %, a total that is not its parts, a score above its full marks, a stated count changed, a
required section renamed). A few text patterns (执行率 / 覆盖率 / 等级 statements, 万元 budget
figures) seed mutations where no fact was read, so extraction gaps show as misses. Each edit
is made in the source text at the fact's quotation, keeping the text's own format.

Each mutated text is checked as .txt, typeset as PDF (bench/typeset.py: paragraph, table, font2)
and written as .docx (python-docx; " | " rows as a real Word table), and compared with the clean
text in the same layout:

* found — the expected rule fires on a fitting subject (the seeded fact's subject, or a
  finding that quotes the edited text) and did not fire there before;
* missed — it does not;
* false error — a new error finding that is neither the seeded one nor quotes the edit (nor
  is one of the type's listed consequences, e.g. a group total broken by a raised row score).

Mutations whose expected finding already fires on the clean text are left out. Exits 0.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/typeset.py

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"
EXAMPLE = ROOT / "examples" / "baiyun-2023.txt"
VARIANTS = ROOT / "tests" / "variants"  # other layouts and phrasings, written by us
DEFAULT_OUT = ROOT / "bench" / "SEEDED.md"
LAYOUTS = ("txt", "paragraph", "table", "font2", "docx")

# a budget figure changed in one place: the arithmetic that quotes it there is wrong too
CONSEQUENCES = {"budget.completion-rate", "budget.total-composition", "budget.breakdown-sum",
                "budget.adjustment-arithmetic", "execution.rate-arithmetic", "execution.fund-source-rate",
                "budget.final-within-budget", "execution.spend-within-budget"}
TYPES = {  # type -> (description, consequences accepted besides the expected rule)
    "rate-mismatch": ("stated 执行率 no longer fits spent / budget", {"execution.explanation-required"}),
    "adjustment": ("调整 figure changed: initial ± adjustment ≠ adjusted", set()),
    "unit-slip": ("a 万元 budget figure written as 元", set()),
    "explanation-removed": ("explanation of a project below 95 % deleted", set()),
    "low-rate": ("spent (and rate) lowered below 95 %, no reason", {"execution.rate-arithmetic"}),
    "grade": ("stated grade moved (优→良 …)", {"score.grade-consistent"}),
    "score-band": ("total score moved across a grade band", {"score.breakdown-sum"}),
    "coverage": ("coverage 100 % → 95 %", {"coverage.recompute"}),
    "breakdown": ("a total or one part of a breakdown changed", {"budget.figures-consistent"}),
    "indicator-over": ("an indicator score above its full marks",
                       {"indicators.score-within-total", "indicators.count-score-match", "score.breakdown-sum",
                        "indicators.score-formula"}),
    "count": ("a stated count changed", set()),
    "section": ("a required section's heading renamed", set()),
    "completion-rate": ("overall 完成率 no longer = 决算 / 全年预算", {"budget.completion-denominator"}),
    "composition": ("基本支出 + 项目支出 ≠ 整体", {"budget.figures-consistent", "budget.breakdown-sum"}),
    "execution-score": ("execution score ≠ min(rate, 1) × points", {"score.breakdown-sum"}),
    "full-score-unmet": ("an indicator's actual value below its target, full score kept",
                         {"indicators.score-formula", "indicators.unmet-without-reason"}),
    "reason-removed": ("an unmet indicator's 偏差原因 deleted", set()),
    "figure-repeat": ("the same budget figure stated differently in a second place", CONSEQUENCES),
    "grade-conflict": ("a second, different grade stated elsewhere", {"score.grade-band"}),
    "section-removed": ("a required section's heading deleted (部门整体)", set()),
    "problems-empty": ("存在问题 replaced by 无 while deviations exist", set()),
    "coverage-count": ("evaluated projects changed: coverage ≠ evaluated / total", {"coverage.self-evaluation"}),
    "part-score": ("a part score changed: parts no longer sum to the total",
                   {"indicators.score-formula", "indicators.score-within-total", "indicators.count-score-match",
                    "execution.score-formula", "indicators.full-score-unmet"}),
}
ERROR_SEVERITY = "error"


# ---------------------------------------------------------------- text positions


def _norm_char(ch: str) -> str:
    from checker.extract.textflow import normalise

    return "" if ch.isspace() else "".join(c for c in normalise(ch) if not c.isspace())


def _flatten(text: str):
    """Normalised as evidence is, whitespace dropped except one space between two digits
    (table cells "8 8 8" stay three figures); with the raw offset of each character."""
    chars, idx, gap = [], [], None
    for i, ch in enumerate(text):
        if ch.isspace() or ch == "|":
            gap = i if gap is None else gap
            continue
        for c in _norm_char(ch):
            if gap is not None and chars and chars[-1].isdigit() and c.isdigit():
                chars.append(" ")
                idx.append(gap)
            gap = None
            chars.append(c)
            idx.append(i)
    return "".join(chars), idx


def flat(text: str) -> str:
    return _flatten(text)[0]


class Positions:
    """The raw text normalised (as evidence is), mapped back to raw offsets."""

    def __init__(self, raw: str):
        self.raw = raw
        self.flat, self.idx = _flatten(raw)

    def raw_span(self, s: int, e: int) -> tuple[int, int]:
        return self.idx[s], self.idx[min(e, len(self.idx)) - 1] + 1

    def windows(self, evidence: str, within: list | None = None) -> list[tuple[int, int]]:
        """Flat spans where an evidence quotation occurs (a cut quotation by its opening);
        several occurrences are narrowed to those inside `within` (the fact's own quotation)."""
        ev = flat(evidence).rstrip("…").rstrip(".")
        if not ev:
            return []
        hits = [(m.start(), m.start() + len(ev)) for m in re.finditer(re.escape(ev), self.flat)]
        if not hits and len(ev) > 30:
            hits = [(m.start(), m.start() + len(ev) + 20) for m in re.finditer(re.escape(ev[:30]), self.flat)]
        if len(hits) > 1 and within:
            inside = [h for h in hits if any(ws <= h[0] and h[1] <= we for ws, we in within)]
            hits = inside or hits
        return hits


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def number_pattern(digits: str) -> re.Pattern:
    return re.compile(r"(?<![\d.,])" + re.escape(digits) + r"(?![\d]|\.\d)")


def locate_number(pos: Positions, evidences: list[str], written: str, which: str = "only"):
    """Flat span of the numeric part of `written` inside the quotation; None if absent or ambiguous."""
    m = NUMBER.search(flat(written))
    if not m:
        return None
    pat = number_pattern(m.group())
    context = [w for ev in evidences[1:] for w in pos.windows(ev)]  # the fact's own quotation
    for ev in evidences:
        wins = pos.windows(ev, context)
        if len(wins) > 1:
            continue  # the same words in several places: which one is meant cannot be told
        for ws, we in wins:
            hits = [(ws + h.start(), ws + h.end()) for h in pat.finditer(pos.flat[ws:we])]
            if len(hits) == 1 or (hits and which == "last"):
                return hits[-1]
            if hits and which == "first":
                return hits[0]
    return None


def fmt_like(value: Decimal, digits: str) -> str:
    """`value` written the way `digits` was (decimals, thousands separators)."""
    places = len(digits.split(".")[1]) if "." in digits else 0
    q = Decimal(1).scaleb(-places)
    value = value.quantize(q)
    return f"{value:,}" if "," in digits else f"{value}"


# ---------------------------------------------------------------- mutations


@dataclass
class Mutation:
    type: str
    source: str
    subject: str  # the seeded fact's subject ("" = any)
    expected: set
    edits: list  # (raw start, raw end, replacement)
    note: str
    origin: str = "fact"  # fact | text (seeded from a text pattern, no fact read)
    snippet: str = ""  # the edited text, flat, for findings that quote it

    def apply(self, raw: str) -> str:
        for s, e, new in sorted(self.edits, reverse=True):
            raw = raw[:s] + new + raw[e:]
        return raw

    @property
    def key(self):
        return tuple(sorted((s, e) for s, e, _ in self.edits))


def _q(f, name):
    v = f.fields.get(name)
    return v if hasattr(v, "written") else None


def _evidences(f, name):
    """The field's own quotation ("" if none), then the fact's."""
    return [f.field_evidence[name].text if name in f.field_evidence else ""] + [e.text for e in f.evidence]


def _numeric_edit(pos, f, name, new_value=None, delta=None, which="only"):
    """Edit of field `name`'s figure in the text: (raw span, replacement, old digits) or None."""
    q = _q(f, name)
    if q is None or not q.written:
        return None
    span = locate_number(pos, _evidences(f, name), q.written, which)
    if span is None:
        return None
    digits = pos.flat[span[0]:span[1]]
    old = Decimal(digits.replace(",", ""))
    if new_value is None:
        new_value = old + delta
    if new_value < 0:
        return None
    new = fmt_like(new_value, digits)
    if new == digits:
        return None
    s, e = pos.raw_span(*span)
    return (s, e, new), digits, new


def _unit_scale(written: str) -> Decimal:
    """How many 万元 one written unit is (for deltas in the text's own unit)."""
    if "亿" in written:
        return Decimal(10000)
    if "万" in written or not written.endswith("元"):
        return Decimal(1)
    return Decimal("0.0001")


def _pct(a, b):
    return a.value / b.value * 100 if b is not None and b.value else None


def gen_from_facts(name: str, pos: Positions, facts: list, slipped: set[str] = frozenset()) -> list[Mutation]:
    """`slipped`: the figures (as written) budget.unit-anomaly finds in the clean text already."""
    out: list[Mutation] = []

    def add(type_, f, expected, edits, note, snippet):
        out.append(Mutation(type_, name, f.subject if f is not None else "", set(expected), edits, note,
                            snippet=flat(snippet)))

    for f in facts:
        k = f.kind
        # ---- rates
        if k in ("project", "fund_source", "budget") and _q(f, "rate_stated"):
            rate = _q(f, "rate_stated")
            if k == "budget":
                spent, dens = _q(f, "final"), [_q(f, "full_year")]
            else:
                spent, dens = _q(f, "spent"), [_q(f, "adjusted"), _q(f, "initial")]
            computed = [p for p in (_pct(spent, d) for d in dens if d) if p is not None] if spent else []
            if computed:
                new_rate = rate.value - 3 if rate.value >= 98 else rate.value + 3
                if all(abs(new_rate - c) > 1 for c in computed):
                    ed = _numeric_edit(pos, f, "rate_stated", new_value=new_rate)
                    if ed:
                        rule = {"project": "execution.rate-arithmetic", "fund_source": "execution.fund-source-rate",
                                "budget": "budget.completion-rate"}[k]
                        add("completion-rate" if k == "budget" else "rate-mismatch", f, {rule}, [ed[0]],
                            f"{ed[1]}% → {ed[2]}%", ed[2] + "%")
        # ---- adjustment
        if k == "project" and _q(f, "adjustment") and _q(f, "initial") and _q(f, "adjusted"):
            adj = _q(f, "adjustment")
            ed = _numeric_edit(pos, f, "adjustment", delta=Decimal(10) / _unit_scale(adj.written))
            if ed:
                add("adjustment", f, {"budget.adjustment-arithmetic"}, [ed[0]], f"调整 {ed[1]} → {ed[2]}", ed[2])
        # ---- unit slip
        if k in ("project", "fund_source", "budget"):
            for fld in ("initial", "adjusted", "full_year", "final", "spent"):
                q = _q(f, fld)
                if q is None or not re.search(r"\d\s*万元$", flat(q.written)) or q.value < 1 or flat(q.written) in slipped:
                    continue
                span = locate_number(pos, _evidences(f, fld), q.written)
                if span is None or not pos.flat.startswith("万元", span[1]):
                    continue
                s, e = pos.raw_span(span[1], span[1] + 1)  # the 万
                add("unit-slip", f, {"budget.unit-anomaly"}, [(s, e, "")], f"{fld} {q.written} → 元",
                    pos.flat[span[0]:span[1]] + "元")
                break
        # ---- explanations
        if k == "project":
            rate = _q(f, "rate_stated")
            spent, den = _q(f, "spent"), _q(f, "adjusted") or _q(f, "initial")
            value = rate.value if rate else _pct(spent, den) if spent and den else None
            expl = f.field_evidence.get("explanation")
            if value is not None and value < 95 and expl is not None:
                wins = pos.windows(expl.text)
                if len(wins) == 1:
                    s, e = pos.raw_span(*wins[0]) if wins[0][1] <= len(pos.flat) else (None, None)
                    if s is not None:
                        add("explanation-removed", f, {"execution.explanation-required"}, [(s, e, "")],
                            "explanation deleted", "")
            if value is not None and value >= 95 and spent and den and den.value > 0 and "explanation" not in f.fields:
                new_spent = den.value * Decimal("0.8")
                ed = _numeric_edit(pos, f, "spent", new_value=new_spent)
                if ed:
                    edits, note = [ed[0]], f"spent {ed[1]} → {ed[2]}"
                    if rate:
                        new_rate = Decimal(ed[2].replace(",", "")) * _unit_scale(spent.written) / den.value * 100
                        ed2 = _numeric_edit(pos, f, "rate_stated", new_value=new_rate)
                        if ed2 is None or ed2[0][0] < ed[0][1] and ed2[0][1] > ed[0][0]:
                            edits = None
                        else:
                            edits.append(ed2[0])
                            note += f", rate {ed2[1]}% → {ed2[2]}%"
                    if edits:
                        add("low-rate", f, {"execution.explanation-required"}, edits, note, ed[2])
        # ---- self-evaluation
        if k == "self_evaluation":
            grade, score = f.fields.get("grade_stated"), _q(f, "score_total")
            if isinstance(grade, str) and score is not None:
                m = _grade_edit(pos, _evidences(f, "grade_stated"), grade)
                if m:
                    add("grade", f, {"score.grade-band"}, [m[0]], f"{grade} → {m[1]}", m[1])
                new = score.value - 10 if score.value >= 70 else score.value + 20
                if _band(new) != _band(score.value):
                    ed = _numeric_edit(pos, f, "score_total", new_value=new)
                    if ed:
                        add("score-band", f, {"score.grade-band"}, [ed[0]], f"{ed[1]} → {ed[2]}分", ed[2])
            cov = _q(f, "coverage_stated")
            if cov is not None and cov.value == 100:
                ed = _numeric_edit(pos, f, "coverage_stated", new_value=Decimal(95))
                if ed:
                    add("coverage", f, {"coverage.self-evaluation"}, [ed[0]], f"{ed[1]}% → {ed[2]}%", ed[2] + "%")
        # ---- breakdowns
        if k == "breakdown" and _q(f, "total"):
            tot = _q(f, "total")
            ed = _numeric_edit(pos, f, "total", delta=Decimal(10) / _unit_scale(tot.written))
            if ed:
                add("breakdown", f, {"budget.breakdown-sum"}, [ed[0]], f"total {ed[1]} → {ed[2]}", ed[2])
        if k == "budget_composition":
            ed = _numeric_edit(pos, f, "basic", delta=Decimal(100))
            if ed:
                add("composition", f, {"budget.total-composition"}, [ed[0]], f"基本支出 {ed[1]} → {ed[2]}", ed[2])
        if k == "fund_source":
            for fld in ("initial", "adjusted", "spent"):
                q = _q(f, fld)
                if q is not None and q.value > 0:
                    ed = _numeric_edit(pos, f, fld, delta=Decimal(10) / _unit_scale(q.written))
                    if ed:
                        add("breakdown", None, {"budget.breakdown-sum"}, [ed[0]], f"{f.subject} {fld} {ed[1]} → {ed[2]}",
                            ed[2])
                        break
        # ---- indicators
        if k == "indicator_group" and _q(f, "score") and _q(f, "full_marks"):
            full = _q(f, "full_marks")
            ed = _numeric_edit(pos, f, "score", new_value=full.value + 1)
            if ed:
                add("indicator-over", f, {"indicators.score-within-total"}, [ed[0]], f"group score {ed[1]} → {ed[2]}",
                    ed[2])
        if k == "indicator" and _q(f, "score") and _q(f, "weight"):
            ed = _numeric_edit(pos, f, "score", new_value=_q(f, "weight").value + 1, which="last")
            if ed:
                add("indicator-over", f, {"indicators.row-score-cap"}, [ed[0]], f"row score {ed[1]} → {ed[2]}", ed[2])
        # ---- counts
        if k in ("indicator_group", "enumeration") and _q(f, "count_stated"):
            ed = _numeric_edit(pos, f, "count_stated", delta=Decimal(1))
            if ed:
                rule = "indicators.count-score-match" if k == "indicator_group" else "structure.enumeration-count"
                add("count", f, {rule}, [ed[0]], f"count {ed[1]} → {ed[2]}", ed[2])
        if k == "indicator_group" and _q(f, "rows") and _q(f, "count_sum") and not _q(f, "count_stated"):
            for ev in _evidences(f, "count_sum")[:1]:
                for ws, we in pos.windows(ev)[:1]:
                    m = re.search(r"指标(\d+)[个项条]", pos.flat[ws:we])
                    if m:
                        s, e = pos.raw_span(ws + m.start(1), ws + m.end(1))
                        new = str(int(m.group(1)) + 1)
                        add("count", f, {"indicators.count-score-match"}, [(s, e, new)],
                            f"指标{m.group(1)}个 → {new}个", "指标" + new)
        # ---- execution score, indicator rows, coverage counts, repeated figures
        if k == "execution_score" and _q(f, "rate") and _q(f, "weight") and _q(f, "score"):
            weight = _q(f, "weight").value
            due = min(_q(f, "rate").value / 100, Decimal(1)) * weight
            new = due - 2 if due >= 2 else due + 1
            if abs(new - _q(f, "score").value) >= 1 and new <= weight:
                ed = _numeric_edit(pos, f, "score", new_value=new, which="last")
                if ed:
                    add("execution-score", f, {"execution.score-formula"}, [ed[0]], f"score {ed[1]} → {ed[2]}", ed[2])
        if k == "indicator":
            out += _indicator_mutations(pos, f)
        if k == "self_evaluation" and _q(f, "projects_evaluated") and _q(f, "projects_total") and _q(
                f, "coverage_stated") and _q(f, "projects_evaluated").value > 1:
            ed = _numeric_edit(pos, f, "projects_evaluated", delta=Decimal(-1))
            if ed and _q(f, "projects_evaluated").written != _q(f, "projects_total").written:
                add("coverage-count", f, {"coverage.recompute"}, [ed[0]], f"evaluated {ed[1]} → {ed[2]}", ed[2])
        if k == "figure_repeat" and _q(f, "first") and _q(f, "second") and len(f.evidence) > 1:
            first, second = _q(f, "first"), _q(f, "second")
            if first.value == second.value and second.written:
                span = locate_number(pos, [f.evidence[1].text], second.written)
                if span is not None:
                    digits = pos.flat[span[0]:span[1]]
                    new = fmt_like(Decimal(digits.replace(",", "")) + 10, digits)
                    s, e = pos.raw_span(*span)
                    add("figure-repeat", f, {"budget.figures-consistent"}, [(s, e, new)],
                        f"second {f.subject} {digits} → {new}", new)
        if k == "self_evaluation":
            out += _part_score_mutations(pos, f, facts)
            grade = f.fields.get("grade_stated")
            variants = _q(f, "grade_variants")
            if isinstance(grade, str) and grade in GRADES and not (variants and variants.value > 1):
                other = GRADES[grade]
                m = re.search(r"\S\s*$", pos.raw)
                if m:
                    add("grade-conflict", f, {"score.grade-consistent"},
                        [(m.end(), m.end(), f"\n综上，本次绩效自评等级为“{other}”。\n")],
                        f"“自评等级为{other}” added at the end", f"等级为“{other}”")
        # ---- sections
        if k == "document" and f.fields.get("report_kind") == "部门整体":
            out += _section_mutations(pos, f)
            for has, words in (("has_problems", ("问题",)), ("has_measures", ("措施", "建议", "下一步"))):
                if f.fields.get(has) is not True or not _long_enough(f):
                    continue
                for m in re.finditer(r"(?m)^[ \t　]*([一二三四五六七八九十]+[、.．][^\n]{0,30})$", pos.raw):
                    if any(w in m.group(1) for w in words):
                        add("section", None, {"structure.required-sections"}, [(m.start(1), m.end(1), m.group(1)[:2] + "其他事项")],
                            f"heading “{m.group(1).strip()}” renamed", "")
                        break
    for m in out:
        m.source = name
    return out


def _indicator_mutations(pos, f) -> list[Mutation]:
    """Full score kept although the actual value now misses the target; an unmet row's reason deleted."""
    out = []
    target, achieved, weight, score = (_q(f, n) for n in ("target", "achieved", "weight", "score"))
    direction = f.fields.get("direction")
    shortfall = _q(f, "shortfall")
    met, unmet = shortfall is not None and shortfall.value <= 0, shortfall is not None and shortfall.value > 0
    if met and target and achieved and weight and score and score.value >= weight.value \
            and direction in ("≥", "≤") and target.value > 0:
        new_value = target.value * (Decimal("0.8") if direction == "≥" else Decimal("1.2"))
        ed = None
        for which in ("only", "last"):
            ed = ed or _numeric_edit(pos, f, "achieved", new_value=new_value, which=which)
        if ed:
            out.append(Mutation("full-score-unmet", "", f.subject, {"indicators.full-score-unmet"}, [ed[0]],
                                f"achieved {ed[1]} → {ed[2]}", snippet=flat(ed[2])))
    if (unmet or f.fields.get("met_in_words") is False) and f.fields.get("reason"):
        words = flat(str(f.fields["reason"]))
        hits = [m.start() for m in re.finditer(re.escape(words), pos.flat)] if words else []
        if len(hits) == 1:
            s, e = pos.raw_span(hits[0], hits[0] + len(words))
            out.append(Mutation("reason-removed", "", f.subject, {"indicators.unmet-without-reason"}, [(s, e, "")],
                                "reason deleted"))
    return out


def _part_score_mutations(pos, se, facts) -> list[Mutation]:
    """One part of the total (a level-1 group, an indicator row, the execution score) changed by 1 point,
    where the parts made the total before."""
    full, parts, total = _q(se, "parts_full_marks"), _q(se, "parts_score"), _q(se, "score_total")
    if not (full and parts and total) or full.value != 100 or abs(parts.value - total.value) > Decimal("0.05"):
        return []
    out = []
    # the execution score first, then groups, then rows from the last (the first rows carry indicator-over)
    order = {"execution_score": 0, "indicator_group": 1, "indicator": 2}
    candidates = sorted((f for f in facts if f.kind in order), key=lambda f: order[f.kind])
    for f in candidates[:1] + candidates[1:][::-1]:
        name = {"indicator_group": ("score", "full_marks"), "indicator": ("score", "weight"),
                "execution_score": ("score", "weight")}.get(f.kind)
        if name is None or not _q(f, name[0]) or not _q(f, name[1]):
            continue
        got, marks = _q(f, name[0]).value, _q(f, name[1]).value
        delta = Decimal(1) if got + 1 <= marks else Decimal(-1)
        if got + delta < 0:
            continue
        ed = _numeric_edit(pos, f, name[0], delta=delta, which="last")
        if ed:
            out.append(Mutation("part-score", "", se.subject, {"score.breakdown-sum"}, [ed[0]],
                                f"{f.subject} score {ed[1]} → {ed[2]}", snippet=flat(ed[2])))
    return out[:3]  # candidates: the first whose span no other mutation edits is seeded


_HEADING_LINE = re.compile(r"(?m)^[ \t　]*([一二三四五六七八九十]+[、.．][^\n]{0,30})$")


def _long_enough(doc) -> bool:
    """The structure rules judge only reports of profile.min_report_chars (national: 3000) or more."""
    return (doc.fields.get("char_count") or 0) >= 3000


def _section_mutations(pos, doc) -> list[Mutation]:
    """A required heading deleted; the 存在问题 section's body replaced by 无 while deviations exist."""
    out = []
    long_enough = _long_enough(doc)
    for has, words, rule in (("has_problems", ("问题",), "structure.required-sections"),
                             ("has_measures", ("措施", "建议", "下一步"), "structure.required-sections"),
                             ("has_basic_info", ("基本情况", "基本概况", "概况"), "structure.basic-sections")):
        if doc.fields.get(has) is not True or not long_enough:
            continue
        for m in _HEADING_LINE.finditer(pos.raw):
            if any(w in m.group(1) for w in words):
                end = pos.raw.find("\n", m.end())
                out.append(Mutation("section-removed", "", "", {rule}, [(m.start(), m.end() if end < 0 else end + 1, "")],
                                    f"heading “{m.group(1).strip()}” deleted"))
                break
    rate, short, total = (_q(doc, n) for n in ("lowest_rate_stated", "groups_below_marks", "score_total"))
    deviation = (rate is not None and rate.value < 100) or (short is not None and short.value > 0) \
        or (total is not None and total.value < 100)
    if doc.fields.get("problems_empty") is False and deviation:
        for m in _HEADING_LINE.finditer(pos.raw):
            if "问题" in m.group(1):
                body = m.end() + 1
                # the body up to the next heading of the same level (一、) — sub-headings go with it
                same = _HEADING_LINE.search(pos.raw, body)
                stop = same.start() if same else len(pos.raw)
                if body < stop and pos.raw[body:stop].strip():
                    out.append(Mutation("problems-empty", "", "", {"structure.problems-not-empty"},
                                        [(body, stop, "无。\n")], "存在问题 → 无", snippet="无。"))
                break
    return out


GRADES = {"优秀": "良好", "良好": "优秀", "合格": "优秀", "优": "良", "良": "优", "中": "良", "差": "中", "较差": "良好"}


def _band(score: Decimal) -> str:
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


_GRADE_AT = re.compile(r"(?:为|是|：|:|评定|等级|结论)[“\"「『]?(优秀|良好|合格|较差|优|良|中|差)(?:[”\"」』。，,；]|等级|$)")


def _grade_edit(pos, evidences, grade):
    for ev in evidences:
        for ws, we in pos.windows(ev):
            for m in _GRADE_AT.finditer(pos.flat[ws:we]):
                word = m.group(1)
                if word[0] == grade[0] or word == grade:
                    s, e = pos.raw_span(ws + m.start(1), ws + m.end(1))
                    return (s, e, GRADES[word]), GRADES[word]
    return None


_RATE_TEXT = re.compile(r"执行率(?:为|达到|达|是)?(\d+(?:\.\d+)?)[%％]")
_DONE_TEXT = re.compile(r"(?:预算|决算)完成率(?:为|达到|达|是)?(\d+(?:\.\d+)?)[%％]")
_COVER_TEXT = re.compile(r"覆盖率(?:为|达到|达|是)?(100(?:\.0+)?)[%％]")
_GRADE_TEXT = re.compile(r"(?:等级|结果|结论)(?:为|是|：|:)[“\"「]?(优秀|良好|优|良)")
_MONEY_TEXT = re.compile(r"(?:预算|支出|执行|拨款|下达|到位|使用)[^。；\n]{0,12}?(\d[\d,]*(?:\.\d+)?)万元")


def gen_from_text(name: str, pos: Positions) -> list[Mutation]:
    """Mutations at text patterns, whether or not a fact was read there."""
    out = []
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^。；\n]+", pos.flat)]

    def sentence(i):
        return next((pos.flat[s:e] for s, e in sentences if s <= i < e), "")

    for m in _RATE_TEXT.finditer(pos.flat):
        if len(re.findall(r"\d万元|\d元", sentence(m.start()))) < 2:
            continue  # no figures to check it against
        old = Decimal(m.group(1))
        new = fmt_like(old - 3 if old >= 98 else old + 3, m.group(1))
        s, e = pos.raw_span(m.start(1), m.end(1))
        out.append(Mutation("rate-mismatch", name, "", {"execution.rate-arithmetic", "execution.fund-source-rate",
                                                          "budget.completion-rate"}, [(s, e, new)],
                            f"{m.group(1)}% → {new}%", "text", flat(new + "%")))
    for m in _DONE_TEXT.finditer(pos.flat):
        if len(re.findall(r"\d万元|\d元", sentence(m.start()))) < 2:
            continue
        old = Decimal(m.group(1))
        new = fmt_like(old - 3 if old >= 98 else old + 3, m.group(1))
        s, e = pos.raw_span(m.start(1), m.end(1))
        out.append(Mutation("completion-rate", name, "", {"budget.completion-rate"}, [(s, e, new)],
                            f"完成率 {m.group(1)}% → {new}%", "text", flat(new + "%")))
    for m in _COVER_TEXT.finditer(pos.flat):
        s, e = pos.raw_span(m.start(1), m.end(1))
        out.append(Mutation("coverage", name, "", {"coverage.self-evaluation"}, [(s, e, "95")], "100% → 95%", "text",
                            "95%"))
    for m in _GRADE_TEXT.finditer(pos.flat):
        if not re.search(r"\d分", sentence(m.start()) + pos.flat[m.end():m.end() + 40]):
            continue  # no score stated with it
        s, e = pos.raw_span(m.start(1), m.end(1))
        out.append(Mutation("grade", name, "", {"score.grade-band"}, [(s, e, GRADES[m.group(1)])],
                            f"{m.group(1)} → {GRADES[m.group(1)]}", "text", GRADES[m.group(1)]))
    for m in _MONEY_TEXT.finditer(pos.flat):
        if Decimal(m.group(1).replace(",", "")) < 1:
            continue
        s, e = pos.raw_span(m.end(1), m.end(1) + 1)
        out.append(Mutation("unit-slip", name, "", {"budget.unit-anomaly"}, [(s, e, "")],
                            f"{m.group(1)}万元 → 元", "text", m.group(1) + "元"))
    return out


def mutations_for(name: str, raw: str, facts: list, per_type: int, slipped: set[str] = frozenset()) -> list[Mutation]:
    pos = Positions(raw)
    seeded = gen_from_facts(name, pos, facts, slipped)
    touched = {span for m in seeded for span in m.key}
    seeded += [m for m in gen_from_text(name, pos) if not any(
        s < te and ts < e for s, e in m.key for ts, te in touched)
        and not (m.type == "unit-slip" and m.snippet[:-1] + "万元" in slipped)]  # the text's own slip undone
    chosen, count, seen = [], defaultdict(int), set()
    for m in seeded:
        if m.key in seen or count[m.type] >= (1 if m.type == "part-score" else per_type):
            continue
        seen.add(m.key)
        count[m.type] += 1
        chosen.append(m)
    return chosen


# ---------------------------------------------------------------- checking


@dataclass
class Hit:
    rule: str
    subject: str
    severity: str
    quotes: str  # flat evidence text
    message: str = ""


def split_title(raw: str) -> tuple[str, list[str]]:
    lines = raw.split("\n")
    if lines and lines[0].startswith("source:"):  # corpus header: source, title, blank
        title = re.sub(r"^title:\s*", "", lines[1].strip()) if len(lines) > 1 else "?"
        body = lines[3:] if len(lines) > 2 and not lines[2].strip() else lines[2:]
        return title, body
    return (lines[0] if lines else "?"), lines


def write_docx(title: str, lines: list[str], out: Path) -> None:
    """A Word file as a clerk types it: a title, body paragraphs, and each " | " block as a real Word table."""
    import docx
    from typeset import _ROW_LINE, _cells, blocks

    def parts():
        """" | " row lines as typed (typeset's table layout cuts a run whose first row is short into rows
        of that width; a Word form keeps its rows); cell-per-line tables as typeset reads them."""
        run, rest = [], []
        for line in lines + [""]:
            text = line.strip()
            if _ROW_LINE.search(text) and text.count("|") > 1 or " | " in text:
                if rest:
                    yield from blocks(rest)
                    rest = []
                run.append(_cells(text) or [""])
                continue
            if run:
                yield "table", run
                run = []
            rest.append(line)
        yield from blocks(rest)

    d = docx.Document()
    d.add_heading(title.strip() or "?", level=1)
    for kind, item in parts():
        if kind == "table":
            ncols = max(len(r) for r in item)
            table = d.add_table(rows=len(item), cols=ncols)
            table.style = "Table Grid"
            for i, row in enumerate(item):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
        elif item.strip():
            d.add_paragraph(item.strip())
    d.save(str(out))


class Checker:
    def __init__(self, workdir: Path):
        from checker.evaluate import compile_pack
        from checker.rulebook.loader import load_pack

        pack, problems = load_pack([ROOT / "rules"])
        if problems:
            raise SystemExit("\n".join(map(str, problems)))
        self.cpack = compile_pack(pack)
        self.workdir = workdir
        self.n = 0

    def path_for(self, raw: str, layout: str) -> Path:
        from typeset import typeset

        self.n += 1
        if layout == "txt":
            path = self.workdir / f"m{self.n}.txt"
            path.write_text(raw, encoding="utf-8")
        elif layout == "docx":
            path = self.workdir / f"m{self.n}.docx"
            write_docx(*split_title(raw), path)
        else:
            path = self.workdir / f"m{self.n}.{layout}.pdf"
            title, lines = split_title(raw)
            typeset(layout, title, lines, path)
        return path

    def facts(self, raw: str, layout: str = "txt"):
        from checker.derive import derive
        from checker.extract import extract
        from checker.ingest import load

        return derive(extract(load(self.path_for(raw, layout))))

    def slipped(self, facts: list) -> set[str]:
        """The figures (as written) budget.unit-anomaly finds: the text's own unit slips."""
        from checker.evaluate import evaluate_document
        from checker.pipeline import document_summary

        fired = evaluate_document(self.cpack, facts, document_summary(facts).get("report_kind")).fired
        return {flat(_q(a, "value").written) for a in facts
                if a.kind == "amount" and ("budget.unit-anomaly", a.fid) in fired and _q(a, "value")}

    def hits(self, raw: str, layout: str) -> list[Hit]:
        from checker.evaluate import evaluate_document
        from checker.pipeline import document_summary

        try:
            facts = self.facts(raw, layout)
        except Exception as exc:  # a crash is a measurement too
            return [Hit("crash", f"{type(exc).__name__}: {exc}", ERROR_SEVERITY, "")]
        result = evaluate_document(self.cpack, facts, document_summary(facts).get("report_kind"))
        return [Hit(f.rule, f.subject, f.severity, flat(" ".join(e.text for e in f.evidence)), f.message)
                for f in result.findings if f.outcome == "fired"]


@dataclass
class Result:
    mutation: Mutation
    layout: str
    found: bool
    false_errors: list = field(default_factory=list)
    other: list = field(default_factory=list)  # expected rule fired, but on another subject


def _subject_key(subject: str) -> str:
    return flat(subject).split("：", 1)[-1][:8]


def judge(m: Mutation, layout: str, before: list[Hit], after: list[Hit]) -> Result:
    """Found: a finding of the expected rule that the clean text does not have (by rule, subject and
    message: a total that was wrong already and is now wrong differently counts). False error: an error
    on a rule and subject the clean text does not have."""
    old = {(h.rule, h.subject) for h in before}
    old_messages = {(h.rule, h.subject, h.message) for h in before}
    res = Result(m, layout, False)
    accepted = m.expected | TYPES[m.type][1]
    for h in after:
        if (h.rule, h.subject, h.message) in old_messages:
            continue
        quotes_edit = bool(m.snippet) and m.snippet in h.quotes
        if m.type == "unit-slip":  # the slipped figure itself, not its correct neighbour
            if h.rule in m.expected and not quotes_edit and h.severity == ERROR_SEVERITY:
                res.false_errors.append(h)
                continue
            fits = quotes_edit
        else:
            fits = not m.subject or _subject_key(m.subject) in flat(h.subject) or quotes_edit
        if h.rule in m.expected and fits:
            res.found = True
        elif (h.rule, h.subject) in old:
            continue
        elif h.rule in m.expected:
            res.other.append(h)
        elif h.severity == ERROR_SEVERITY and h.rule not in accepted and not (m.snippet and m.snippet in h.quotes):
            res.false_errors.append(h)
    return res


# ---------------------------------------------------------------- run


def sources(corpus: Path, only: list[str] | None) -> list[tuple[str, str]]:
    out = []
    if corpus.is_dir():
        out += [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(corpus.glob("*.txt"))]
    if EXAMPLE.exists():
        out.append(("example", EXAMPLE.read_text(encoding="utf-8")))
    out += [(f"variant:{p.stem}", p.read_text(encoding="utf-8")) for p in sorted(VARIANTS.glob("*.txt"))]
    return [s for s in out if not only or s[0] in only]


def run(corpus: Path, layouts: list[str], only=None, per_type: int = 4, progress=None) -> tuple[list[Result], list]:
    results, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="seeded-") as tmp:
        checker = Checker(Path(tmp))
        for name, raw in sources(corpus, only):
            facts = checker.facts(raw, "txt")
            muts = mutations_for(name, raw, facts, per_type, checker.slipped(facts))
            baseline = {layout: checker.hits(raw, layout) for layout in layouts}
            for m in muts:
                pre = judge(m, "txt", [], baseline["txt"]) if "txt" in baseline and m.subject else None
                if pre is not None and pre.found:
                    skipped.append(m)  # the expected finding fires on the clean text already
                    continue
                text = m.apply(raw)
                for layout in layouts:
                    results.append(judge(m, layout, baseline[layout], checker.hits(text, layout)))
            if progress:
                progress(name, len(muts))
    return results, skipped


def table(results: list[Result], layouts: list[str]) -> list[str]:
    rows = ["| mutation | seeded | " + " | ".join(f"found {lay}" for lay in layouts)
            + " | " + " | ".join(f"false error {lay}" for lay in layouts) + " |",
            "|---|---:|" + "---:|" * (2 * len(layouts))]
    by = defaultdict(lambda: defaultdict(list))
    for r in results:
        by[r.mutation.type][r.layout].append(r)
    total = defaultdict(list)
    for t in TYPES:
        if t not in by:
            continue
        n = len(by[t][layouts[0]])
        cells = []
        for lay in layouts:
            f = sum(r.found for r in by[t][lay])
            cells.append(f"{f}/{n}")
            total[lay] += by[t][lay]
        fe = [str(sum(bool(r.false_errors) for r in by[t][lay])) for lay in layouts]
        rows.append(f"| {t} | {n} | " + " | ".join(cells) + " | " + " | ".join(fe) + " |")
    n = len(total[layouts[0]])
    if n:
        cells = [f"**{sum(r.found for r in total[lay])}/{n} ({100 * sum(r.found for r in total[lay]) / n:.0f} %)**"
                 for lay in layouts]
        fe = [f"**{sum(bool(r.false_errors) for r in total[lay])}**" for lay in layouts]
        rows.append(f"| **all** | **{n}** | " + " | ".join(cells) + " | " + " | ".join(fe) + " |")
    return rows


def report(results, skipped, layouts, out: Path | None) -> str:
    lines = [f"# Seeded-problem recall ({_dt.date.today().isoformat()})", "",
             "Generated by `bench/seeded_recall.py`: one-edit mutations seeded at the quotations of the facts "
             "perfcheck reads from each clean corpus excerpt, the example report and the variant reports in "
             "tests/variants (plus a few text patterns where no fact was read — `origin: text`), checked as .txt, "
             "as typeset PDF (bench/typeset.py: paragraph, table = ruled tables, font2 = small bold spaced font) "
             "and as .docx (python-docx paragraphs; \" | \" rows as a real Word table). "
             "*found* = the expected rule fires on a fitting subject; *false error* = mutations after which a new "
             "error finding appears that is neither the seeded one nor quotes the edit.", "",
             *table(results, layouts), "",
             f"Left out (the expected finding already fires on the clean text): {len(skipped)}.", "",
             "| type | meaning |", "|---|---|", *[f"| {t} | {d} |" for t, (d, _) in TYPES.items()], "",
             "Notes: the table layout typesets \" | \" rows as ruled tables (read with pdfplumber's table finder), "
             "paragraph and font2 wrap them like prose (read back through the reader's wrapped-line geometry); a miss "
             "listed below is a gap of perfcheck unless its line says otherwise.", "",
             "## Misses", ""]
    for r in results:
        if not r.found:
            m = r.mutation
            extra = f" — fired on another subject: {r.other[0].subject}" if r.other else ""
            lines.append(f"* {m.source} [{r.layout}] {m.type} ({m.origin}) {m.subject or '-'}: {m.note}; "
                         f"expected {', '.join(sorted(m.expected))}{extra}")
    lines += ["", "## False errors", ""]
    for r in results:
        for h in r.false_errors:
            m = r.mutation
            lines.append(f"* {m.source} [{r.layout}] {m.type} {m.subject or '-'} ({m.note}): {h.rule} on {h.subject}")
    text = "\n".join(lines) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--layouts", default=",".join(LAYOUTS))
    ap.add_argument("--only", default="", help="comma-separated excerpt names (example = the example report)")
    ap.add_argument("--per-type", type=int, default=4, help="at most this many mutations of a type per excerpt")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    layouts = [s for s in args.layouts.split(",") if s]
    if "txt" in layouts:
        layouts = ["txt"] + [lay for lay in layouts if lay != "txt"]
    results, skipped = run(args.corpus, layouts, [s for s in args.only.split(",") if s] or None, args.per_type,
                           progress=lambda name, n: print(f"  {name}: {n} mutations", file=sys.stderr))
    text = report(results, skipped, layouts, args.out)
    print("\n".join(table(results, layouts)))
    print(f"\nwrote {args.out}" if args.out else "", file=sys.stderr)
    return 0 if text else 0


if __name__ == "__main__":
    sys.exit(main())
