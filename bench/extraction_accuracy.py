"""Extraction accuracy on the development corpus, per layout (a measurement, not a test).

    python bench/extraction_accuracy.py [--corpus DIR] [--layouts txt,paragraph,table,font2]
                                        [--out bench/ACCURACY.md] [--only 001,027] [--pdf-dir DIR]

Each excerpt (NNN.txt) is typeset as PDF in several layouts (bench/typeset.py), read back
with the project's API (ingest.load -> extract -> derive) and compared with the auditor's
reading (NNN.truth.yaml `facts`):

* recall: a truth figure (money / % / 分 / count, numbers only; packed "a / b" values are
  split, approximate "500多" ones skipped) is found when any numeric field of any fact holds
  the same value in the same unit (money in 万元 within 0.005 of the truth's unit);
* precision: each numeric field of the structured facts (not amount/document, before
  derive) is correct when its unit is the kind printed with it and its value is among the
  truth figures or its written form occurs in the excerpt (not inside a longer number). Computed counters (COMPUTED) are
  not statements of the report and are left out.

Always exits 0; prints whether the targets are met.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import re
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/typeset.py
from typeset import LAYOUTS, typeset  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"
DEFAULT_OUT = ROOT / "bench" / "ACCURACY.md"
ALL_LAYOUTS = ("txt",) + LAYOUTS
TARGET_RECALL, TARGET_PRECISION = 0.95, 0.98

MONEY = {"亿元": Decimal(10000), "万元": Decimal(1), "千元": Decimal("0.1"), "元": Decimal("0.0001")}
COUNT = {"个", "项", "条", "人", "次", "人次", "家", "名", "台", "座", "处", "场次", "宗", "盏", "册", "间",
         "批次", "户", "所", "篇", "件", "套", "辆", "批", "期"}
GENERIC_COUNT = {"个", "项", "条"}  # the project normalises these to 个
TYPES = ("money", "rate", "score", "count")
TYPE_CN = {"money": "money (万元)", "rate": "rate (%)", "score": "score (分)", "count": "count (个/人/次…)",
           "other": "other (no unit)"}
EXCLUDED_KINDS = {"amount", "document"}
# figures the extractor computes rather than reads (also any Quantity without a written form)
COMPUTED = {"count_sum", "grade_variants", "parts_count"}


# ---------------------------------------------------------------- figures


def field_type(unit: str) -> str | None:
    if unit in MONEY:
        return "money"
    if unit == "%":
        return "rate"
    if unit == "分":
        return "score"
    if unit in COUNT:
        return "count"
    return None


@dataclass(frozen=True)
class TruthFigure:
    key: str
    scope: str
    value: Decimal  # money in 万元, others as written
    unit: str  # the truth's unit (元 / 万元 / % / 人 …)
    kind: str  # money | rate | score | count
    tol: Decimal

    def label(self) -> str:
        return f"{self.key} [{self.scope}] = {self.value.normalize():f} {'万元' if self.kind == 'money' else self.unit}" + (
            f" (truth: {self.unit})" if self.kind == "money" and self.unit != "万元" else "")


_PART = re.compile(r"^[=≤≥<>＋+~约]?\s*(?P<num>-?\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]*)$")


def _numbers(value, unit: str) -> list[tuple[Decimal, str]]:
    """A truth value as (number, unit) pairs: packed strings split, approximate ones dropped."""
    if isinstance(value, bool) or value is None:
        return []
    parts = [value] if isinstance(value, (int, float)) else re.split(r"\s*[/;；]\s*|,\s+|，", str(value))
    out = []
    for part in parts:
        m = _PART.match(str(part).strip())
        if not m:
            continue  # "500多", "8批次18人次", "300米深 1座"
        part_unit = m.group("unit") or ("" if unit == "mixed" else unit)
        try:
            out.append((Decimal(m.group("num")), part_unit))
        except InvalidOperation:
            continue
    return out


def truth_figures(truth: dict) -> list[TruthFigure]:
    out = []
    for fact in truth.get("facts") or []:
        unit = str(fact.get("unit") or "")
        for number, part_unit in _numbers(fact.get("value"), unit):
            kind = field_type(part_unit)
            if kind is None:
                continue
            if kind == "money":
                value, tol = number * MONEY[part_unit], Decimal("0.005") * MONEY[part_unit]
            else:
                value, tol = number, Decimal(0)
            out.append(TruthFigure(str(fact.get("key", "")), str(fact.get("scope", "")), value, part_unit, kind, tol))
    return out


def _units_match(tf: TruthFigure, q) -> bool:
    if tf.kind == "money":
        return q.unit == "万元"
    if tf.kind == "count":
        generic = q.unit == "个" and (tf.unit in GENERIC_COUNT or (q.written or "").endswith(tf.unit))
        return q.unit == tf.unit or generic
    return q.unit == tf.unit


def matches(tf: TruthFigure, q) -> bool:
    """Same value in the same unit (money within the truth's rounding)."""
    return _units_match(tf, q) and abs(q.value - tf.value) <= tf.tol + Decimal("1e-9")


# ---------------------------------------------------------------- facts


def quantities(value):
    """Every Quantity inside a field value (lists and dicts searched too)."""
    from checker.model import Quantity

    if isinstance(value, Quantity):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from quantities(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from quantities(v)


def all_quantities(facts) -> list:
    return [q for f in facts for v in f.fields.values() for q in quantities(v)]


def structured(facts) -> list[tuple[str, str, object]]:
    """(kind, field, Quantity) in structured facts, as extracted (before derive)."""
    return [(f.kind, name, q) for f in facts if f.kind not in EXCLUDED_KINDS
            for name, v in f.fields.items() for q in quantities(v)]


def is_computed(name: str, q) -> bool:
    return name in COMPUTED or not q.written


# ---------------------------------------------------------------- source text

_CN_DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """12 -> 十二, 23 -> 二十三 (0..99)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def flat(text: str) -> str:
    """NFKC, no blanks, no thousands separators: the text figures are looked up in."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-").replace("–", "-")
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d)[,，](?=\d)", "", text)


def written_forms(q) -> list[str]:
    """How the figure may stand in the source: as written, and counts as 项/条 or in Chinese."""
    written = flat(q.written or "")
    if not written:
        return []
    forms = [written]
    m = re.fullmatch(r"(\d+)个", written)
    if m:
        forms += [m.group(1) + u for u in ("项", "条")]
        if int(m.group(1)) < 100:
            forms += [chinese(int(m.group(1))) + u for u in ("个", "项", "条")]
    return forms


def unit_consistent(q) -> bool:
    """The unit the figure carries is the kind of unit printed with it ("30万元" is not unit-less)."""
    m = re.fullmatch(r"-?[\d.,]+(.*)", flat(q.written or ""))
    return m is None or field_type(m.group(1)) == field_type(q.unit)


def in_source(q, source_flat: str) -> bool:
    for form in written_forms(q):
        lead = r"(?<![\d.])" if form[0].isdigit() or form[0] == "-" else ""
        if re.search(lead + re.escape(form), source_flat):
            return True
    return False


# ---------------------------------------------------------------- one excerpt


@dataclass
class Excerpt:
    name: str
    txt: Path
    title: str
    lines: list[str]  # the document: title line, then the excerpt
    source_flat: str
    truth: list[TruthFigure]


def read_excerpt(txt: Path) -> Excerpt:
    raw = txt.read_text(encoding="utf-8", errors="replace").split("\n")
    title = re.sub(r"^title:\s*", "", raw[1].strip()) if len(raw) > 1 else txt.stem
    body = raw[3:] if len(raw) > 2 and not raw[2].strip() else raw[2:]
    truth_path = txt.with_name(f"{txt.stem}.truth.yaml")
    truth = yaml.safe_load(truth_path.read_text(encoding="utf-8")) if truth_path.exists() else {}
    return Excerpt(txt.stem, txt, title, body, flat(title + "\n" + "\n".join(body)), truth_figures(truth or {}))


@dataclass
class Outcome:
    excerpt: str
    layout: str
    truth: list[TruthFigure]
    found: list[bool]
    figures: list[tuple[str, str, object, bool]] = field(default_factory=list)  # kind, field, Quantity, correct
    computed: int = 0  # structured figures computed by the extractor, not scored
    pages: int = 0
    error: str | None = None


def document_path(ex: Excerpt, layout: str, workdir: Path) -> tuple[Path, int]:
    if layout == "txt":
        return ex.txt, 1
    out = workdir / f"{ex.name}.{layout}.pdf"
    pages = typeset(layout, ex.title, ex.lines, out)
    return out, pages


def evaluate(ex: Excerpt, layout: str, workdir: Path) -> Outcome:
    from checker.derive import derive
    from checker.extract import extract
    from checker.ingest import load

    outcome = Outcome(ex.name, layout, ex.truth, [False] * len(ex.truth))
    try:
        path, outcome.pages = document_path(ex, layout, workdir)
        facts = extract(load(path))
        read = structured(facts)  # before derive: it rewrites and adds fields
        facts = derive(facts)
    except Exception as exc:  # a crash is a measurement too: everything missed
        outcome.error = f"{type(exc).__name__}: {exc}"
        return outcome
    pool = all_quantities(facts)
    outcome.found = [any(matches(tf, q) for q in pool) for tf in ex.truth]
    for kind, name, q in read:
        if is_computed(name, q):
            outcome.computed += 1
            continue
        ok = unit_consistent(q) and (any(matches(tf, q) for tf in ex.truth) or in_source(q, ex.source_flat))
        outcome.figures.append((kind, name, q, ok))
    return outcome


def excerpts(corpus: Path, only: list[str] | None = None) -> list[Excerpt]:
    paths = sorted(p for p in corpus.glob("*.txt") if not only or p.stem in only)
    return [read_excerpt(p) for p in paths]


def run(corpus: Path, layouts, only=None, workdir: Path | None = None) -> list[Outcome]:
    """Outcomes for every excerpt x layout; PDFs go to workdir (a temp dir if None)."""
    with tempfile.TemporaryDirectory(prefix="perfcheck-bench-") as tmp:
        work = Path(workdir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        return [evaluate(ex, layout, work) for ex in excerpts(corpus, only) for layout in layouts]


# ---------------------------------------------------------------- summary


def qtype(q) -> str:
    return field_type(q.unit) or "other"


def tally(outcomes: list[Outcome]) -> dict[str, dict[str, list[int]]]:
    """layout -> type -> [truth, found, extracted, correct]; type 'overall' sums all."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    for o in outcomes:
        rows = out[o.layout]
        for tf, hit in zip(o.truth, o.found):
            for key in (tf.kind, "overall"):
                rows[key][0] += 1
                rows[key][1] += hit
        for _, _, q, ok in o.figures:
            for key in (qtype(q), "overall"):
                rows[key][2] += 1
                rows[key][3] += ok
    return out


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def recall_precision(rows: dict[str, list[int]]) -> tuple[float | None, float | None]:
    t, f, e, c = rows["overall"]
    return ratio(f, t), ratio(c, e)


COLUMNS = ("field type", "truth figures", "found", "recall", "extracted structured figures", "correct", "precision")


def layout_table(rows: dict[str, list[int]]) -> list[str]:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for key in TYPES + ("other", "overall"):
        t, f, e, c = rows.get(key, [0, 0, 0, 0])
        if key == "other" and not e:
            continue
        name = "**overall**" if key == "overall" else TYPE_CN[key]
        lines.append(f"| {name} | {t} | {f} | {pct(ratio(f, t))} | {e} | {c} | {pct(ratio(c, e))} |")
    return lines


def summary_table(table: dict) -> list[str]:
    lines = ["| layout | truth figures | found | recall | structured figures | correct | precision | targets met |",
             "|---|---|---|---|---|---|---|---|"]
    for layout, rows in table.items():
        t, f, e, c = rows["overall"]
        r, p = recall_precision(rows)
        met = (r or 0) >= TARGET_RECALL and (p if p is not None else 1) >= TARGET_PRECISION
        lines.append(f"| {layout} | {t} | {f} | {pct(r)} | {e} | {c} | {pct(p)} | {'yes' if met else 'no'} |")
    return lines


def missed_by_unit(outcomes: list[Outcome]) -> list[str]:
    layouts = list(dict.fromkeys(o.layout for o in outcomes))
    counts = {lay: Counter() for lay in layouts}
    for o in outcomes:
        for tf, hit in zip(o.truth, o.found):
            if not hit:
                counts[o.layout][f"{tf.kind} ({tf.unit})"] += 1
    keys = sorted(set().union(*counts.values()), key=lambda k: -sum(c[k] for c in counts.values()))
    lines = ["| truth type (unit) | " + " | ".join(layouts) + " |", "|---|" + "---|" * len(layouts)]
    lines += [f"| {k} | " + " | ".join(str(counts[lay][k]) for lay in layouts) + " |" for k in keys]
    return lines


def layout_details(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for o in outcomes:
        missed = [tf for tf, hit in zip(o.truth, o.found) if not hit]
        wrong = [(k, n, q) for k, n, q, ok in o.figures if not ok]
        if not (missed or wrong or o.error):
            continue
        head = f"- **{o.excerpt}** ({sum(o.found)}/{len(o.truth)} found" + (f", {o.pages} pages" if o.layout != "txt" else "") + ")"
        lines.append(head + (f" — ERROR {o.error}" if o.error else ""))
        lines += [f"  - missed: {tf.label()}" for tf in missed]
        lines += [f"  - unsupported: {k}.{n} = {q.value.normalize():f} {q.unit} (written “{q.written}”)" for k, n, q in wrong]
    return lines or ["- nothing missed"]


def machine() -> str:
    return f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def render(outcomes: list[Outcome], corpus: Path) -> str:
    table = tally(outcomes)
    n = len({o.excerpt for o in outcomes})
    out = ["# Extraction accuracy", "",
           f"Date: {_dt.datetime.now().isoformat(timespec='seconds')}  ",
           f"Machine: {machine()}  ",
           f"Corpus: {corpus} ({n} excerpts); layouts: {', '.join(table)}  ",
           f"Targets: recall ≥ {TARGET_RECALL:.0%}, precision ≥ {TARGET_PRECISION:.0%}. "
           f"Precision leaves out figures the extractor computes ({', '.join(sorted(COMPUTED))}, "
           "and any without a written form).", "",
           "## Summary", ""] + summary_table(table) + ["", "## Missed truth figures by type", ""] + missed_by_unit(outcomes)
    for layout, rows in table.items():
        computed = sum(o.computed for o in outcomes if o.layout == layout)
        errors = sum(1 for o in outcomes if o.layout == layout and o.error)
        out += ["", f"## Layout `{layout}`", ""] + layout_table(rows)
        out += ["", f"{computed} computed structured figures not scored; {errors} excerpts failed."]
        out += ["", "Per excerpt (missed truth figures; structured figures found neither in the truth nor in the text):", ""]
        out += layout_details([o for o in outcomes if o.layout == layout])
    return "\n".join(out) + "\n"


def verdict(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for layout, rows in tally(outcomes).items():
        r, p = recall_precision(rows)
        ok_r, ok_p = (r or 0) >= TARGET_RECALL, (p if p is not None else 1) >= TARGET_PRECISION
        lines.append(f"{layout:10s} recall {pct(r):>6s} (target {TARGET_RECALL:.0%}: {'met' if ok_r else 'NOT met'})  "
                     f"precision {pct(p):>6s} (target {TARGET_PRECISION:.0%}: {'met' if ok_p else 'NOT met'})")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--layouts", default=",".join(ALL_LAYOUTS), help=f"comma-separated, of {', '.join(ALL_LAYOUTS)}")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--only", default="", help="comma-separated excerpt numbers (e.g. 001,027)")
    ap.add_argument("--pdf-dir", type=Path, default=None, help="keep the typeset PDFs here")
    args = ap.parse_args(argv)
    layouts = [l.strip() for l in args.layouts.split(",") if l.strip()]
    unknown = [l for l in layouts if l not in ALL_LAYOUTS]
    if unknown or not args.corpus.is_dir():
        print(f"unknown layouts {unknown}" if unknown else f"no corpus at {args.corpus}", file=sys.stderr)
        return 0
    outcomes = run(args.corpus, layouts, [s for s in args.only.split(",") if s] or None, args.pdf_dir)
    report = render(outcomes, args.corpus)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print("\n".join(["Targets:"] + verdict(outcomes) + [f"(written to {args.out})"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
