"""Extraction accuracy on the real corpus, per part, corpus, layout and fact family (a measurement).

    python bench/extraction_accuracy.py [--corpora real,real2] [--layouts txt,paragraph,table,font2]
                                        [--only 001,D01] [--part tuning|held-out|all] [--pdf-dir DIR]
                                        [--out bench/ACCURACY.md --section extraction --heading TEXT]
                                        [--record-gates]

Each document of ../shared/corpus/real (NNN.txt) and ../shared/corpus/real2 (Xnn.txt) is read as
.txt and typeset as PDF in several layouts (bench/typeset.py), read back with the project's API
(ingest.load -> extract -> derive) and compared with the auditor's reading (the truth file's `facts`).
bench/corpus_split.yaml splits the documents into a tuning part and a held-out part: the report
gives both parts separately, and the held-out part only in aggregate (never a document, never a
missed figure), so that nobody tunes on it.

* recall: a truth figure (money / % / 分 / count, numbers only; packed "a / b" values are split,
  each part taking its unit from the value, the fact's unit or its column label — 分值/得分/权重
  are 分 —; approximate "500多" and value-less ones skipped; grades compared as words) is found
  when any field of any fact holds the same value in the same unit (money in 万元 within the
  rounding of the truth's unit). real2 figures carry a quote: "found at the quote" counts the
  found ones whose matching fact's evidence overlaps the quote (read at the right place);
* precision: each numeric field of the structured facts (not amount/document, before derive) is
  correct when its unit is the kind printed with it and its value is among the truth figures or
  its written form occurs in the document (not inside a longer number; the document NFKC-folded, or
  as the extractor normalises it — traditional characters folded —, since that is what it wrote). Computed counters
  (COMPUTED) are not statements of the report and are left out.

Every figure has a FACT FAMILY (FAMILIES): a truth figure's from its key, scope and unit
(truth_family), an extracted one's from its fact kind, field and unit (fact_family).

--out writes the report into one section of a Markdown file (between <!-- begin NAME --> and
<!-- end NAME -->), leaving the rest of it. --record-gates measures the gate configuration
(GATE_LAYOUTS: what tests/test_bench_accuracy.py runs) and writes its figures to
bench/accuracy_gates.json. Always exits 0.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import subprocess
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
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
CORPORA = ("real", "real2")
SPLIT_FILE = ROOT / "bench" / "corpus_split.yaml"
PARTS = ("tuning", "held-out")
GATES_FILE = ROOT / "bench" / "accuracy_gates.json"
ALL_LAYOUTS = ("txt",) + LAYOUTS
TARGET_RECALL, TARGET_PRECISION = 0.95, 0.98

# What the regression gates measure (tests/test_bench_accuracy.py runs exactly this): every
# document as .txt and in one PDF layout (about 7 s a bench on 2 cores).
GATE_LAYOUTS = ("txt", "font2")

MONEY = {"亿元": Decimal(10000), "万元": Decimal(1), "千元": Decimal("0.1"), "元": Decimal("0.0001")}
COUNT = {"个", "项", "条", "人", "次", "人次", "家", "名", "台", "座", "处", "场次", "宗", "盏", "册", "间",
         "批次", "户", "所", "篇", "件", "套", "辆", "批", "期"}
GENERIC_COUNT = {"个", "项", "条"}  # the project normalises these to 个
GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "及格": "中", "较差": "差", "不合格": "差"}
SCORE_LABEL = re.compile(r"分值|得分|权重|分数")  # a packed value's column that holds 分
EXCLUDED_KINDS = {"amount", "document"}
# figures the extractor computes rather than reads (also any Quantity without a written form)
COMPUTED = {"count_sum", "grade_variants", "parts_count"}

FAMILIES = ("budget", "project", "rate", "indicator", "score", "grade", "coverage", "count", "enumeration",
            "other")
# truth_family: a truth figure's family from its scope / key (first match wins, after score and grade)
INDICATOR_SCOPE = re.compile(r"指标|产出|效益|满意度|时效|成本")
COVERAGE_WORDS = re.compile(r"自评.*覆盖|覆盖.*项目|评价项目数")
PROJECT_SCOPE = re.compile(r"项目\s*\d|抽样项目|专项|明细|部门预算项目|^[一二三四五六七八九十]+批")
ENUMERATION_SCOPE = re.compile(r"机构|事业单位")
# fact_family: an extracted money figure's family from its fact kind
KIND_FAMILY = {"budget": "budget", "budget_composition": "budget", "fund": "budget", "fund_source": "budget",
               "breakdown": "budget", "product": "budget", "figure_repeat": "budget",
               "project": "project", "project_list": "project"}
UNIT_FAMILY = {"money": "budget", "rate": "rate", "score": "score", "count": "count"}


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


def write_section(path: Path, name: str, text: str) -> None:
    """Replace the part of a Markdown file between its markers for `name` (appended when new)."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + block + rest.split(end, 1)[1]
    else:
        new = (old.rstrip() + "\n\n" if old.strip() else "") + block + "\n"
    write_atomic(path, new)


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- the split


def load_split(path: Path = SPLIT_FILE) -> dict[str, set[str]]:
    """corpus -> names of its held-out documents."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {corpus: {str(n) for n in names} for corpus, names in (data.get("held_out") or {}).items()}


def held_out_named(only) -> list[str]:
    """Held-out documents among --only: they are measured as a whole part, never one by one."""
    held = set().union(*load_split().values())
    return sorted(set(only or ()) & held)


def part_of(corpus: str, name: str, split: dict[str, set[str]]) -> str:
    return "held-out" if name in split.get(corpus, set()) else "tuning"


# ---------------------------------------------------------------- truth figures


@dataclass(frozen=True)
class TruthFigure:
    key: str
    scope: str
    value: Decimal | str  # money in 万元, others as written; a grade is its word
    unit: str  # the truth's unit (元 / 万元 / % / 人 … / grade)
    kind: str  # money | rate | score | count | grade
    tol: Decimal
    family: str
    quote: str = ""  # flat; real2 only

    def label(self) -> str:
        if self.kind == "grade":
            return f"{self.key} [{self.scope}] = {self.value} (grade)"
        unit = "万元" if self.kind == "money" else self.unit
        shown = f"{self.key} [{self.scope}] = {self.value.normalize():f} {unit}"
        return shown + (f" (truth: {self.unit})" if self.kind == "money" and self.unit != "万元" else "")


_PART = re.compile(r"^[=≤≥<>＋+~约]?\s*(?P<num>-?\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]*)$")


def _pieces(value) -> list[str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    return re.split(r"\s*[/;；]\s*|,\s+|，", str(value))


def _labels(key: str, count: int) -> list[str]:
    """A packed key's column labels ("分值/指标值/实际值/得分"), when there is one per value."""
    labels = re.split(r"\s*[/;；]\s*", re.sub(r"^\S+\s+(?=\S+/)", "", key))
    return labels if len(labels) == count else [""] * count


def _part_unit(written_unit: str, label: str, unit: str) -> str:
    if written_unit:
        return written_unit
    if SCORE_LABEL.search(label):
        return "分"
    if "/" in unit:  # "%/分": the first unit, unless the column is a score
        return unit.split("/")[0]
    return "" if unit == "mixed" else unit


def _numbers(value, unit: str, key: str = "") -> list[tuple[Decimal, str]]:
    """A truth value as (number, unit) pairs: packed strings split, approximate ones dropped."""
    if isinstance(value, bool) or value is None:
        return []
    pieces = _pieces(value)
    out = []
    for piece, label in zip(pieces, _labels(key, len(pieces))):
        m = _PART.match(str(piece).strip())
        if not m:
            continue  # "500多", "8批次18人次", "300米深 1座"
        try:
            out.append((Decimal(m.group("num")), _part_unit(m.group("unit"), label, unit)))
        except InvalidOperation:
            continue
    return out


def truth_family(key: str, scope: str, kind: str) -> str:
    if kind in ("score", "grade"):
        return kind
    if COVERAGE_WORDS.search(key + scope):
        return "coverage"
    if INDICATOR_SCOPE.search(scope):
        return "indicator"
    if kind == "rate":
        return "rate"
    if kind == "money":
        project = PROJECT_SCOPE.search(scope) or (scope == "项目支出" and key != scope)
        return "project" if project else "budget"
    if kind == "count":
        return "enumeration" if ENUMERATION_SCOPE.search(scope) else "count"
    return "other"


def _figure(fact: dict, number: Decimal, part_unit: str) -> TruthFigure | None:
    kind = field_type(part_unit)
    if kind is None:
        return None
    key, scope = str(fact.get("key", "")), str(fact.get("scope", ""))
    scale = MONEY.get(part_unit, Decimal(1))
    tol = Decimal("0.005") * scale if kind == "money" else Decimal(0)
    return TruthFigure(key, scope, number * scale, part_unit, kind, tol, truth_family(key, scope, kind),
                       flat(str(fact.get("quote") or "")))


def truth_figures(truth: dict) -> list[TruthFigure]:
    out = []
    for fact in truth.get("facts") or []:
        unit = str(fact.get("unit") or "")
        if unit == "grade" and fact.get("value"):
            key, scope = str(fact.get("key", "")), str(fact.get("scope", ""))
            out.append(TruthFigure(key, scope, str(fact["value"]), unit, "grade", Decimal(0), "grade",
                                   flat(str(fact.get("quote") or ""))))
            continue
        for number, part_unit in _numbers(fact.get("value"), unit, str(fact.get("key", ""))):
            figure = _figure(fact, number, part_unit)
            if figure is not None:
                out.append(figure)
    grade = (truth.get("self_score") or {}).get("grade_stated") if isinstance(truth.get("self_score"), dict) else None
    if grade:
        out.append(TruthFigure("grade_stated", "self_score", str(grade), "grade", "grade", Decimal(0), "grade"))
    return out


def grade_word(text: str) -> str:
    """优秀 and 优 are one grade."""
    return GRADE_WORDS.get(text.strip(), text.strip())


def _units_match(tf: TruthFigure, q) -> bool:
    if tf.kind == "money":
        return q.unit == "万元"
    if tf.kind == "count":
        generic = q.unit == "个" and (tf.unit in GENERIC_COUNT or (q.written or "").endswith(tf.unit))
        return q.unit == tf.unit or generic
    return q.unit == tf.unit


def matches(tf: TruthFigure, q) -> bool:
    """Same value in the same unit (money within the truth's rounding)."""
    if tf.kind == "grade":
        return isinstance(q, str) and grade_word(q) == grade_word(tf.value)
    from checker.model import Quantity

    return isinstance(q, Quantity) and _units_match(tf, q) and abs(q.value - tf.value) <= tf.tol + Decimal("1e-9")


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


def read_values(facts) -> list[tuple[object, str]]:
    """(Quantity or grade word, flat evidence text) of every field of every fact."""
    out = []
    for f in facts:
        whole = " ".join(e.text for e in f.evidence)
        for name, v in f.fields.items():
            ev = f.field_evidence.get(name)
            where = flat(ev.text if ev is not None else whole)
            out += [(q, where) for q in quantities(v)]
            if isinstance(v, str) and "grade" in name:
                out.append((v, where))
    return out


def structured(facts) -> list[tuple[str, str, object]]:
    """(kind, field, Quantity) in structured facts, as extracted (before derive)."""
    return [(f.kind, name, q) for f in facts if f.kind not in EXCLUDED_KINDS
            for name, v in f.fields.items() for q in quantities(v)]


def is_computed(name: str, q) -> bool:
    return name in COMPUTED or not q.written


def fact_family(kind: str, name: str, unit: str) -> str:
    utype = field_type(unit)
    if utype == "score":
        return "score"
    if "coverage" in name or name.startswith("projects_"):
        return "coverage"
    if kind in ("indicator", "indicator_group"):
        return "indicator"
    if kind == "enumeration":
        return "enumeration"
    if utype == "money" and kind in KIND_FAMILY:
        return KIND_FAMILY[kind]
    return UNIT_FAMILY.get(utype, "other")


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


def in_source(q, *sources: str) -> bool:
    for form in written_forms(q):
        lead = r"(?<![\d.])" if form[0].isdigit() or form[0] == "-" else ""
        if any(re.search(lead + re.escape(form), source) for source in sources):
            return True
    return False


def as_extracted(text: str) -> str:
    """The text as the extractor normalises it (its own folding), flat; NFKC alone without it."""
    try:
        from checker.extract.textflow import normalise
    except ImportError:
        return flat(text)
    return flat("\n".join(normalise(line) for line in text.split("\n")))


def at_quote(tf: TruthFigure, where: str) -> bool:
    """The evidence a figure was read from overlaps the truth's quote."""
    return bool(tf.quote and where) and (tf.quote in where or where in tf.quote)


# ---------------------------------------------------------------- one document


@dataclass
class Excerpt:
    name: str
    corpus: str  # real | real2
    part: str  # tuning | held-out
    txt: Path
    title: str
    lines: list[str]  # the document below its title
    source_flat: str
    truth: list[TruthFigure]
    truth_doc: dict = field(default_factory=dict)
    source_extracted: str = ""  # flat, as the extractor normalises it


def split_header(raw: list[str], stem: str) -> tuple[str, list[str]]:
    """real/: "source:", "title:", blank, excerpt; real2/: the text as published (title = first line)."""
    if len(raw) > 1 and raw[0].startswith("source:") and raw[1].startswith("title:"):
        body = raw[3:] if len(raw) > 2 and not raw[2].strip() else raw[2:]
        return re.sub(r"^title:\s*", "", raw[1].strip()), body
    first = next((i for i, line in enumerate(raw) if line.strip()), None)
    if first is None:
        return stem, []
    return raw[first].strip(), raw[first + 1:]


def read_excerpt(txt: Path, corpus: str = "real", split: dict | None = None) -> Excerpt:
    raw = txt.read_text(encoding="utf-8", errors="replace").split("\n")
    title, body = split_header(raw, txt.stem)
    truth_path = txt.with_name(f"{txt.stem}.truth.yaml")
    truth = (yaml.safe_load(truth_path.read_text(encoding="utf-8")) if truth_path.exists() else None) or {}
    text = title + "\n" + "\n".join(body)
    return Excerpt(txt.stem, corpus, part_of(corpus, txt.stem, split or {}), txt, title, body, flat(text),
                   truth_figures(truth), truth, as_extracted(text))


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
    corpus: str = "real"
    part: str = "tuning"
    placed: list[bool] = field(default_factory=list)  # found at the truth's quote (real2)


def document_path(ex: Excerpt, layout: str, workdir: Path) -> tuple[Path, int]:
    if layout == "txt":
        return ex.txt, 1
    out = workdir / f"{ex.corpus}-{ex.name}.{layout}.pdf"
    pages = typeset(layout, ex.title, ex.lines, out)
    return out, pages


def _score_figures(outcome: Outcome, ex: Excerpt, read) -> None:
    for kind, name, q in read:
        if is_computed(name, q):
            outcome.computed += 1
            continue
        ok = unit_consistent(q) and (any(matches(tf, q) for tf in ex.truth)
                                     or in_source(q, ex.source_flat, ex.source_extracted))
        outcome.figures.append((kind, name, q, ok))


def evaluate(ex: Excerpt, layout: str, workdir: Path) -> Outcome:
    from checker.derive import derive
    from checker.extract import extract
    from checker.ingest import load

    outcome = Outcome(ex.name, layout, ex.truth, [False] * len(ex.truth), corpus=ex.corpus, part=ex.part,
                      placed=[False] * len(ex.truth))
    try:
        path, outcome.pages = document_path(ex, layout, workdir)
        facts = extract(load(path))
        read = structured(facts)  # before derive: it rewrites and adds fields
        facts = derive(facts)
    except Exception as exc:  # a crash is a measurement too: everything missed
        outcome.error = f"{type(exc).__name__}: {exc}"
        return outcome
    pool = read_values(facts)
    hits = [[where for q, where in pool if matches(tf, q)] for tf in ex.truth]
    outcome.found = [bool(h) for h in hits]
    outcome.placed = [any(at_quote(tf, where) for where in h) for tf, h in zip(ex.truth, hits)]
    _score_figures(outcome, ex, read)
    return outcome


def corpus_dir(corpus: str, base: Path = SHARED_CORPUS) -> Path:
    return base / corpus


def excerpts(corpus: str, only=None, base: Path = SHARED_CORPUS, split: dict | None = None) -> list[Excerpt]:
    split = load_split() if split is None else split
    paths = sorted(p for p in corpus_dir(corpus, base).glob("*.txt") if not only or p.stem in only)
    return [read_excerpt(p, corpus, split) for p in paths]


def documents(corpora=CORPORA, only=None, parts=PARTS, base: Path = SHARED_CORPUS) -> list[Excerpt]:
    """The corpus documents of the given parts (only: names to keep)."""
    split = load_split()
    return [ex for corpus in corpora if corpus_dir(corpus, base).is_dir()
            for ex in excerpts(corpus, only, base, split) if ex.part in parts]


def run(docs: list[Excerpt], layouts, workdir: Path | None = None) -> list[Outcome]:
    """Outcomes for every document x layout; PDFs go to workdir (a temp dir if None)."""
    with tempfile.TemporaryDirectory(prefix="perfcheck-bench-") as tmp:
        work = Path(workdir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        return [evaluate(ex, layout, work) for layout in layouts for ex in docs]


# ---------------------------------------------------------------- tallies

Group = tuple[str, str, str]  # part, corpus, layout
# counter slots of one family
TRUTH, FOUND, PLACED, QUOTED, EXTRACTED, CORRECT = range(6)


def _new_rows():
    return defaultdict(lambda: [0] * 6)


def tally(outcomes: list[Outcome]) -> dict[Group, dict[str, list[int]]]:
    """(part, corpus, layout) -> family -> counters (TRUTH … CORRECT); family 'overall' sums all."""
    out: dict[Group, dict[str, list[int]]] = defaultdict(_new_rows)
    for o in outcomes:
        rows = out[(o.part, o.corpus, o.layout)]
        for tf, hit, placed in zip(o.truth, o.found, o.placed or [False] * len(o.truth)):
            for key in (tf.family, "overall"):
                rows[key][TRUTH] += 1
                rows[key][FOUND] += hit
                rows[key][PLACED] += placed
                rows[key][QUOTED] += bool(tf.quote)
        for kind, name, q, ok in o.figures:
            for key in (fact_family(kind, name, q.unit), "overall"):
                rows[key][EXTRACTED] += 1
                rows[key][CORRECT] += ok
    return out


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def recall_precision(rows: dict[str, list[int]], family: str = "overall") -> tuple[float | None, float | None]:
    c = rows.get(family, [0] * 6)
    return ratio(c[FOUND], c[TRUTH]), ratio(c[CORRECT], c[EXTRACTED])


def gate_figures(outcomes: list[Outcome]) -> dict[str, dict]:
    """'part/corpus/layout' -> recall, precision and their counts: what the gates compare."""
    out = {}
    for (part, corpus, layout), rows in sorted(tally(outcomes).items()):
        c = rows["overall"]
        recall, precision = recall_precision(rows)
        out[f"{part}/{corpus}/{layout}"] = {"recall": recall, "precision": precision, "truth": c[TRUTH],
                                            "found": c[FOUND], "extracted": c[EXTRACTED], "correct": c[CORRECT]}
    return out


# ---------------------------------------------------------------- gates file


def read_gates(path: Path = GATES_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def commit_id() -> str:
    """The code measured: this checkout's commit (and whether checker/ or rules/ differ from it),
    or the folder the checker package was imported from."""
    import checker

    home = Path(checker.__file__).resolve().parents[1]
    if home != ROOT:
        return f"checker imported from {home}"
    head = _git("log", "-1", "--format=%h") or "unknown"
    dirty = _git("status", "--porcelain", "--", "checker", "rules", "profiles")
    return head + (" + uncommitted changes to checker/rules/profiles" if dirty else "")


def record_gates(section: str, figures: dict, path: Path = GATES_FILE) -> None:
    """Replace one section ("extraction" / "findings") of the gates file, keeping the other."""
    gates = read_gates(path)
    gates[section] = {"recorded": _dt.datetime.now().isoformat(timespec="seconds"), "commit": commit_id(),
                      "figures": figures}
    gates[section]["layouts"] = list(GATE_LAYOUTS)
    write_atomic(path, json.dumps(gates, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


# ---------------------------------------------------------------- report


def machine() -> str:
    return f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def _cell(c: list[int]) -> str:
    return f"{pct(ratio(c[FOUND], c[TRUTH]))} ({c[FOUND]}/{c[TRUTH]}) · {pct(ratio(c[CORRECT], c[EXTRACTED]))} " \
           f"({c[CORRECT]}/{c[EXTRACTED]})"


def summary_table(table: dict) -> list[str]:
    lines = ["| part | corpus | layout | documents | truth figures | found | recall | found at the quote | "
             "structured figures | correct | precision | targets met |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (part, corpus, layout), (rows, docs) in table.items():
        c = rows["overall"]
        r, p = recall_precision(rows)
        met = (r or 0) >= TARGET_RECALL and (p if p is not None else 1) >= TARGET_PRECISION
        quoted = f"{c[PLACED]}/{c[QUOTED]}" if c[QUOTED] else "—"
        lines.append(f"| {part} | {corpus} | {layout} | {docs} | {c[TRUTH]} | {c[FOUND]} | {pct(r)} | {quoted} | "
                     f"{c[EXTRACTED]} | {c[CORRECT]} | {pct(p)} | {'yes' if met else 'no'} |")
    return lines


def family_table(tables: dict[str, dict[str, list[int]]]) -> list[str]:
    """Families down, layouts across; a cell: recall (found/truth) · precision (correct/extracted)."""
    layouts = list(tables)
    lines = ["| family | " + " | ".join(layouts) + " |", "|---|" + "---|" * len(layouts)]
    for family in FAMILIES + ("overall",):
        cells = [tables[lay].get(family, [0] * 6) for lay in layouts]
        if not any(c[TRUTH] or c[EXTRACTED] for c in cells):
            continue
        name = "**overall**" if family == "overall" else family
        lines.append(f"| {name} | " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def missed_by_family(outcomes: list[Outcome]) -> list[str]:
    layouts = list(dict.fromkeys(o.layout for o in outcomes))
    counts = {lay: Counter() for lay in layouts}
    for o in outcomes:
        for tf, hit in zip(o.truth, o.found):
            if not hit:
                counts[o.layout][f"{tf.family} ({tf.unit})"] += 1
    keys = sorted(set().union(*counts.values()), key=lambda k: -sum(c[k] for c in counts.values()))
    if not keys:
        return ["- nothing missed"]
    lines = ["| family (truth unit) | " + " | ".join(layouts) + " |", "|---|" + "---|" * len(layouts)]
    lines += [f"| {k} | " + " | ".join(str(counts[lay][k]) for lay in layouts) + " |" for k in keys]
    return lines


def _doc_lines(o: Outcome) -> list[str]:
    missed = [tf for tf, hit in zip(o.truth, o.found) if not hit]
    wrong = [(k, n, q) for k, n, q, ok in o.figures if not ok]
    return ([f"ERROR {o.error}"] if o.error else []) + [f"missed ({tf.family}): {tf.label()}" for tf in missed] + [
        f"unsupported ({fact_family(k, n, q.unit)}): {k}.{n} = {q.value.normalize():f} {q.unit} (written “{q.written}”)"
        for k, n, q in wrong]


def document_details(outcomes: list[Outcome], reference: list[Outcome] = ()) -> list[str]:
    """Missed and unsupported figures per document — tuning part only; lines the reference
    outcomes (the same documents as .txt) show already are left out."""
    shown = {(r.corpus, r.excerpt): set(_doc_lines(r)) for r in reference}
    lines = []
    for o in outcomes:
        assert o.part == "tuning", "held-out documents are reported in aggregate only"
        rows = [x for x in _doc_lines(o) if x not in shown.get((o.corpus, o.excerpt), ())]
        if rows:
            lines.append(f"- **{o.corpus}/{o.excerpt}** ({sum(o.found)}/{len(o.truth)} found)")
            lines += [f"  - {x}" for x in rows]
    return lines or ["- nothing (besides the txt list)" if reference else "- nothing missed"]


def _grouped(outcomes: list[Outcome]) -> dict:
    """(part, corpus, layout) -> (family rows, document count), in PARTS / CORPORA / layout order."""
    table = tally(outcomes)
    docs = Counter((o.part, o.corpus, o.layout) for o in outcomes)
    layouts = list(dict.fromkeys(o.layout for o in outcomes))
    order = [(p, c, lay) for p in PARTS for c in CORPORA for lay in layouts if (p, c, lay) in table]
    return {g: (table[g], docs[g]) for g in order}


def _details_by_layout(outcomes: list[Outcome], layouts: list[str]) -> list[str]:
    """Per document: the first layout in full, the others only where they differ from it."""
    first = [o for o in outcomes if o.layout == layouts[0]]
    out = []
    for layout in layouts:
        besides = f", besides what `{layouts[0]}` shows" if layout != layouts[0] else ""
        out += ["", f"Per document, layout `{layout}`{besides} (missed truth figures; structured figures found "
                "neither in the truth nor in the text):", ""]
        out += document_details([o for o in outcomes if o.layout == layout], first if besides else ())
    return out


def render(outcomes: list[Outcome], heading: str = "Extraction accuracy", level: int = 1) -> str:
    h = "#" * level
    grouped = _grouped(outcomes)
    out = [f"{h} {heading}", "",
           f"Date: {_dt.datetime.now().isoformat(timespec='seconds')}; code: {commit_id()}  ",
           f"Machine: {machine()}  ",
           f"Targets: recall ≥ {TARGET_RECALL:.0%}, precision ≥ {TARGET_PRECISION:.0%}. Precision leaves out "
           f"figures the extractor computes ({', '.join(sorted(COMPUTED))}, and any without a written form). "
           "\"found at the quote\": figures read from the place the auditor quoted (of those with a quote: "
           "real2, and real/001).", "",
           f"{h}# Summary", ""] + summary_table(grouped)
    for part in PARTS:
        for corpus in CORPORA:
            tables = {lay: rows for (p, c, lay), (rows, _) in grouped.items() if (p, c) == (part, corpus)}
            if not tables:
                continue
            chosen = [o for o in outcomes if (o.part, o.corpus) == (part, corpus)]
            out += ["", f"{h}# {part} · {corpus}: per fact family", "",
                    "A cell: recall (found / truth figures) · precision (correct / structured figures).", ""]
            out += family_table(tables) + ["", "Missed truth figures by family:", ""] + missed_by_family(chosen)
            if part == "tuning":
                out += _details_by_layout(chosen, list(tables))
    return "\n".join(out) + "\n"


def verdict(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for (part, corpus, layout), (rows, _) in _grouped(outcomes).items():
        r, p = recall_precision(rows)
        lines.append(f"{part:9s} {corpus:6s} {layout:10s} recall {pct(r):>6s}  precision {pct(p):>6s}")
    return lines


# ---------------------------------------------------------------- command line


def _parts(choice: str) -> tuple[str, ...]:
    return PARTS if choice == "all" else (choice,)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus-base", type=Path, default=SHARED_CORPUS, help="folder holding real/ and real2/")
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--layouts", default=",".join(ALL_LAYOUTS), help=f"comma-separated, of {', '.join(ALL_LAYOUTS)}")
    ap.add_argument("--part", default="all", choices=("all",) + PARTS)
    ap.add_argument("--only", default="", help="comma-separated document names (e.g. 001,D01)")
    ap.add_argument("--out", type=Path, default=None,
                    help="write the report into this Markdown file, as its section --section (default: print only)")
    ap.add_argument("--section", default="extraction", help="the section of --out to replace")
    ap.add_argument("--heading", default="Extraction accuracy")
    ap.add_argument("--pdf-dir", type=Path, default=None, help="keep the typeset PDFs here")
    ap.add_argument("--record-gates", action="store_true",
                    help=f"measure the gate configuration and write it to {GATES_FILE.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    layouts = [lay.strip() for lay in args.layouts.split(",") if lay.strip()]
    unknown = [lay for lay in layouts if lay not in ALL_LAYOUTS]
    if unknown or not args.corpus_base.is_dir():
        print(f"unknown layouts {unknown}" if unknown else f"no corpus at {args.corpus_base}", file=sys.stderr)
        return 0
    only = [s for s in args.only.split(",") if s] or None
    if held_out_named(only):
        print(f"--only names held-out documents {held_out_named(only)}: measure the held-out part as a whole",
              file=sys.stderr)
        return 0
    docs = documents([c for c in args.corpora.split(",") if c], only, _parts(args.part), args.corpus_base)
    if args.record_gates:
        record_gates("extraction", gate_figures(run(docs, GATE_LAYOUTS, args.pdf_dir)))
        print(f"gates written to {GATES_FILE}")
        return 0
    outcomes = run(docs, layouts, args.pdf_dir)
    report = render(outcomes, args.heading, level=2)
    if args.out:
        write_section(args.out, args.section, report)
    print(report)
    print("\n".join(verdict(outcomes)) + (f"\n(written to {args.out})" if args.out else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
