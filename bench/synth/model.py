"""The machine-readable truth of a synthetic report, drawn with exact decimal arithmetic.

Amounts are held in 万元 with two decimals; a report written in 元 shows them ×10000. Rates are
rounded half-up to the precision the report states them in (0–2 decimals). A clean report's
figures are consistent to the cent and the hundredth of a point.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .phrases import Chooser, phrase_path

D = Decimal
EXPLANATION_THRESHOLD = D(95)  # profile national: a rate below it needs a reason
OVERALL_LOWEST = 0.81  # a report's overall rate stays above the 80 % under which 优 is "inflated"
GRADE_BANDS = ((D(90), "优"), (D(80), "良"), (D(60), "中"), (D(0), "差"))
PART_WEIGHTS = ((50, 30, 10, 10), (40, 30, 20, 10), (60, 20, 10, 10))  # 产出, 效益, 满意度, 预算执行率
KINDS = ("department", "project", "form")
OUTPUT_DIMS = ("数量指标", "质量指标", "时效指标", "成本指标")
QUALITY = {"high": (0.08, 0.9), "medium": (0.35, 0.75), "low": (0.7, 0.5)}  # unmet share, worst ratio


def q(x: Decimal, places: int) -> Decimal:
    return x.quantize(D(1).scaleb(-places), ROUND_HALF_UP)


def pct(part: Decimal, whole: Decimal, places: int) -> Decimal:
    return q(part / whole * 100, places)


def grade_band(score: Decimal) -> str:
    return next(g for floor, g in GRADE_BANDS if score >= floor)


@dataclass
class Project:
    name: str
    purpose: str
    initial: Decimal
    adjustment: Decimal
    adjusted: Decimal
    spent: Decimal
    rate: Decimal
    reason: str | None = None
    sources: list = field(default_factory=list)  # [label, initial, adjusted, spent]: each column adds up


@dataclass
class Indicator:
    l1: str
    l2: str
    name: str
    kind: str  # count / pct / done / le
    unit: str
    target: str
    actual: str
    weight: Decimal
    score: Decimal
    met: bool
    reason: str = ""


@dataclass
class Budget:
    initial: Decimal
    initial_basic: Decimal
    initial_project: Decimal
    adjustment: Decimal
    adjusted: Decimal
    spent: Decimal
    spent_basic: Decimal
    spent_project: Decimal
    rate: Decimal
    reason: str | None = None


@dataclass
class Enumeration:
    template: str
    names: list
    count: int  # as stated


@dataclass
class Truth:
    kind: str
    seed: int
    org: str
    year: int
    title: str
    unit: str  # 万元 / 元
    rate_places: int
    budget: Budget | None
    projects: list
    indicators: list
    parts: dict  # name -> [weight, score]
    total: Decimal
    grade: str
    coverage: dict | None  # evaluated, total, rate
    enumerations: list
    sections: list  # roles present, in order
    problem: dict | None = None

    def to_json(self) -> dict:
        """Plain data (decimals as strings) for the truth file."""
        def plain(v):
            if isinstance(v, Decimal):
                return str(v)
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [plain(x) for x in v]
            return v
        return plain(asdict(self))


# ---------------------------------------------------------------- drawing


def money(ch: Chooser, low: float, high: float) -> Decimal:
    return q(D(str(ch.uniform(low, high))), 2)


def draw_rate_ratio(ch: Chooser, low_share: float, lowest: float = 0.6) -> Decimal:
    """Spent / budget: mostly 95–100 %, sometimes fully spent, sometimes low (lowest–94 %)."""
    if ch.chance(0.3):
        return D(1)
    if ch.chance(low_share):
        return D(str(round(ch.uniform(lowest, 0.94), 4)))
    return D(str(round(ch.uniform(0.955, 0.999), 4)))


def reason_text(ch: Chooser) -> str:
    return ch.pick("low_rate_reasons.lead") + ch.pick("low_rate_reasons.body")


def draw_project(ch: Chooser, name: str, places: int, low_share: float, lowest: float = 0.6) -> Project:
    initial = money(ch, 20, 3000)
    adjustment = D(0)
    if ch.chance(0.5):
        adjustment = q(initial * D(str(round(ch.uniform(-0.25, 0.4), 3))), 2)
    adjusted = initial + adjustment
    spent = q(adjusted * draw_rate_ratio(ch, low_share, lowest), 2)
    rate = pct(spent, adjusted, places)
    reason = reason_text(ch) if rate < EXPLANATION_THRESHOLD else None
    return Project(name, ch.pick("projects.purposes"), initial, adjustment, adjusted, spent, rate, reason)


def draw_sources(ch: Chooser, p: Project, labels: list, last_empty: bool) -> list:
    """The project's funds by source, [label, initial, adjusted, spent], each column adding up exactly;
    with last_empty the last source (其他资金) is all 0."""
    shares = [D(str(round(ch.uniform(0.2, 0.7), 3))) for _ in labels[:-1]]
    if last_empty:
        shares[-1:] = []
    columns = []
    for total in (p.initial, p.adjusted, p.spent):
        left, col = total, []
        for share in shares:
            part = q(left * share, 2)
            col.append(part)
            left -= part
        col.append(left)
        columns.append(col + ([D(0)] if last_empty else []))
    return [[label, *values] for label, values in zip(labels, zip(*columns))]


def draw_budget(ch: Chooser, places: int) -> Budget:
    initial = money(ch, 300, 20000)
    initial_basic = q(initial * D(str(round(ch.uniform(0.3, 0.8), 3))), 2)
    adjustment = D(0) if ch.chance(0.3) else q(initial * D(str(round(ch.uniform(-0.1, 0.35), 3))), 2)
    adjusted = initial + adjustment
    spent = q(adjusted * draw_rate_ratio(ch, 0.15, OVERALL_LOWEST), 2)
    spent_basic = min(q(spent * D(str(round(ch.uniform(0.35, 0.8), 3))), 2), spent)
    rate = pct(spent, adjusted, places)
    reason = reason_text(ch) if rate < EXPLANATION_THRESHOLD else None
    return Budget(initial, initial_basic, initial - initial_basic, adjustment, adjusted, spent, spent_basic,
                  spent - spent_basic, rate, reason)


def _weights(total: int, n: int, ch: Chooser) -> list[Decimal]:
    """n integer weights adding up to total (even when possible, else the rest spread)."""
    base, rest = divmod(total, n)
    ws = [base + (1 if i < rest else 0) for i in range(n)]
    ch.rng.shuffle(ws)
    return [D(w) for w in ws]


def _fmt_value(v: Decimal) -> str:
    return format(v.normalize(), "f") if v == v.to_integral() else format(v, "f")


def score_row(kind: str, target: Decimal, ratio: Decimal, weight: Decimal) -> tuple[str, Decimal]:
    """Actual value and proportional score of an unmet quantitative row (ratio < 1)."""
    if kind == "le":  # lower is better: actual above target
        actual = q(target / ratio, 2)
        return _fmt_value(actual), q(weight * target / actual, 2)
    actual = q(target * ratio, 0 if kind == "count" else 2)
    return _fmt_value(actual), q(weight * actual / target, 2)


def draw_indicator(ch: Chooser, l1: str, l2: str, row: list, weight: Decimal, unmet: bool, worst: float) -> Indicator:
    name, kind, target, unit = row
    if kind == "done":
        if unmet:
            return Indicator(l1, l2, name, kind, unit, str(target), "基本完成", weight, q(weight * D("0.8"), 2), False,
                             ch.pick("unmet_reasons"))
        return Indicator(l1, l2, name, kind, unit, str(target), str(target), weight, weight, True)
    t = D(str(target))
    if unmet:
        ratio = D(str(round(ch.uniform(worst, 0.97), 2)))
        actual, score = score_row(kind, t, ratio, weight)
        if score >= weight:  # rounding ate the shortfall
            return draw_indicator(ch, l1, l2, row, weight, False, worst)
        return Indicator(l1, l2, name, kind, unit, _fmt_value(t), actual, weight, score, False, ch.pick("unmet_reasons"))
    actual = t if kind in ("pct", "le") or ch.chance(0.5) else t + ch.randint(1, max(1, int(t) // 10))
    return Indicator(l1, l2, name, kind, unit, _fmt_value(t), _fmt_value(D(actual)), weight, weight, True)


def draw_indicators(ch: Chooser, weights: dict, quality: str) -> list[Indicator]:
    """Rows of the three level-1 groups; 产出 has all four dimensions (else a true warning fires)."""
    unmet_share, worst = QUALITY[quality]
    catalogue = phrase_path("indicator_catalogue")
    rows = []
    for l1, dims in catalogue.items():
        if l1 == "产出指标":
            picks = [(d, r) for d in OUTPUT_DIMS for r in ch.sample(dims[d], ch.randint(1, 2))]
        else:
            pool = [(d, r) for d, rs in dims.items() for r in rs]
            picks = ch.sample(pool, ch.randint(1, 3) if l1 == "满意度指标" else ch.randint(2, 4))
            order = list(dims)
            picks.sort(key=lambda p: order.index(p[0]))
        group_w = weights[l1[:-2]]
        for (dim, row), w in zip(picks, _weights(group_w, len(picks), ch)):
            rows.append(draw_indicator(ch, l1, dim, row, w, ch.chance(unmet_share), worst))
    return rows


def sum_parts(indicators: list, weights: dict, rate: Decimal) -> dict:
    """Part name -> [weight, score]; the execution part scores weight × rate (capped at 100 %)."""
    parts = {}
    for name in ("产出", "效益", "满意度"):
        rows = [i for i in indicators if i.l1 == name + "指标"]
        parts[name] = [D(weights[name]), sum((i.score for i in rows), D(0))]
    w = D(weights["预算执行率"])
    parts["预算执行率"] = [w, q(w * min(rate, D(100)) / 100, 2)]
    return parts


def sum_total(parts: dict) -> Decimal:
    return sum((s for _, s in parts.values()), D(0))


def part_weights(ch: Chooser) -> dict:
    return dict(zip(("产出", "效益", "满意度", "预算执行率"), ch.pick(list(PART_WEIGHTS))))


def draw_enumerations(ch: Chooser) -> list[Enumeration]:
    out = []
    for template in ch.sample("enumerations", ch.randint(1, 2)):
        names = ch.sample("orgs.sub_units", ch.randint(2, 5)) + ch.sample("orgs.joined_units", ch.randint(1, 2))
        ch.rng.shuffle(names)
        out.append(Enumeration(template, names, len(names)))
    return out
