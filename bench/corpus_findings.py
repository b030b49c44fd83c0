"""Findings on the real corpus: firm inconsistencies found, false errors, warnings (a measurement).

    python bench/corpus_findings.py [--corpora real,real2] [--layouts txt,font2] [--part all|tuning|held-out]
                                    [--only 007,D01] [--pdf-dir DIR] [--record-gates]
                                    [--out bench/ACCURACY.md --section findings --heading TEXT]

Every document of ../shared/corpus/real and real2 goes through the whole check (checker.pipeline
check_file, the national profile, the rules next to the checker that is imported) as .txt and as
typeset PDF, and its findings are compared with the auditor's reading:

* firm inconsistencies: the truth's `inconsistencies` with severity firm (real/: every one that
  is not marked `possible`). TYPE_RULES says which rules cover a type; a type without rules is
  "no rule". A firm inconsistency is found when a fired finding of one of its rules is there and,
  where the truth names the printed `figure` (real2/), the finding quotes it (its evidence holds the
  figure, or its text every number of it); two inconsistencies never share one finding (an error
  finding is taken first, then one that quotes a number of the inconsistency). "found as error"
  counts those found by an error finding (a warning is found too, but the gate is on "found");
* false errors: fired error findings the reading does not call for — that fit no listed
  inconsistency (firm or possible, as above: its rules, and its figure quoted where named) and
  are not of a rule a listed compliance gap calls for (GAP_RULES; real/: also a low rate the
  truth says is unexplained, a score without its grade);
* warnings: fired warning findings, per document.

The held-out part (bench/corpus_split.yaml) is reported in aggregate only: per type, never per
document. --record-gates measures the gate configuration (extraction_accuracy.GATE_LAYOUTS) and writes
its counts to bench/accuracy_gates.json. Always exits 0.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import extraction_accuracy as ea  # noqa: E402  (the corpus, the split, typesetting, the gates file)

SUMS = ("budget.breakdown-sum", "budget.total-composition", "budget.splits-agree", "score.breakdown-sum", "score.weights-total")
RATES = ("execution.rate-arithmetic", "budget.completion-rate", "execution.fund-source-rate")
INDICATOR_SCORES = ("indicators.full-score-unmet", "indicators.score-formula")
# truth inconsistency type -> the rules that cover it; a type not listed here has no rule
TYPE_RULES = {
    "total_vs_parts": SUMS, "parts_vs_total": SUMS, "sum_vs_total": SUMS,
    "stated_rate_vs_computed": RATES, "rate_mismatch": RATES,
    "score_vs_rate": ("execution.score-formula", "execution.score-cap"),
    "score_vs_value": INDICATOR_SCORES, "score_vs_result": INDICATOR_SCORES, "score_vs_completion": INDICATOR_SCORES,
    "count_mismatch": ("structure.enumeration-count",),
}
UNEXPLAINED = r"no (reason|explanation|deviation reason)|not explained|unexplained|without explanation"
# a compliance gap (free text) -> rules whose findings it calls for: (what it is about, it is unexplained)
GAP_RULES = (
    (re.compile(r"执行率|[Ee]xecution|unspent|under-spent|below 9\d|<\s*9\d"), re.compile(UNEXPLAINED),
     ("execution.explanation-required",)),
    (re.compile(r"调整|追加|[Aa]djust|added in-year"), re.compile(UNEXPLAINED), ("execution.adjustment-explained",)),
    (re.compile(r"missed|未完成|target"), re.compile(UNEXPLAINED), ("indicators.unmet-without-reason",)),
    (re.compile(r"exceeds|overrun"), re.compile(r"."), ("execution.spend-within-budget", "budget.final-within-budget")),
    (re.compile(r"[Nn]o grade"), re.compile(r"."), ("score.grade-stated",)),
)
ERROR, WARNING = "error", "warning"
NUMBER = re.compile(r"\d+(?:\.\d+)?")


# ---------------------------------------------------------------- the reading


@dataclass(frozen=True)
class Inconsistency:
    type: str
    firm: bool
    text: str  # figure, detail and computed: where its numbers are
    figure: str = ""  # flat: the printed string a finding should quote (real2/)

    @property
    def rules(self) -> tuple[str, ...]:
        return TYPE_RULES.get(self.type, ())


def inconsistencies(truth: dict) -> list[Inconsistency]:
    out = []
    for item in truth.get("inconsistencies") or []:
        text = " ".join(str(item.get(k) or "") for k in ("figure", "detail", "computed"))
        out.append(Inconsistency(str(item.get("type")), item.get("severity", "firm") == "firm", text,
                                 ea.flat(str(item.get("figure") or ""))))
    return out


def gap_rules(truth: dict) -> set[str]:
    """Rules the reading's compliance gaps (and real/'s execution and self_score) call for."""
    rules = set()
    for gap in truth.get("compliance_gaps") or []:
        for about, unexplained, names in GAP_RULES:
            if about.search(str(gap)) and unexplained.search(str(gap)):
                rules.update(names)
    execution = truth.get("execution") if isinstance(truth.get("execution"), dict) else {}
    if execution.get("low_rate") and not execution.get("low_rate_explanation"):
        rules.add("execution.explanation-required")
    score = truth.get("self_score") if isinstance(truth.get("self_score"), dict) else {}
    if score.get("total") is not None and not score.get("grade_stated"):
        rules.add("score.grade-stated")
    return rules


# ---------------------------------------------------------------- one document


@dataclass
class Finding:
    rule: str
    severity: str
    subject: str
    message: str
    numbers: frozenset
    quoted: str = ""  # flat evidence text

    def line(self) -> str:
        return f"`{self.rule}` ({self.subject}): {self.message}"


@dataclass
class DocResult:
    name: str
    corpus: str
    part: str
    layout: str
    firm: list[tuple[Inconsistency, Finding | None]] = field(default_factory=list)
    false_errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    errors: int = 0
    crash: str | None = None


def _numbers(text: str) -> set[str]:
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in NUMBER.findall(ea.flat(text))}


def fired(result) -> list[Finding]:
    out = []
    for f in result.findings:
        if f.outcome != "fired":
            continue
        text = " ".join([f.message, f.expected or "", f.actual or ""] + [e.text for e in f.evidence])
        quoted = ea.flat(" ".join(e.text for e in f.evidence))
        out.append(Finding(f.rule, f.severity, f.subject, f.message, frozenset(_numbers(text)), quoted))
    return out


def fits(inc: Inconsistency, f: Finding) -> bool:
    """A finding of the inconsistency's rules that quotes its printed figure (when the truth names one)."""
    if f.rule not in inc.rules:
        return False
    return not inc.figure or inc.figure in f.quoted or _numbers(inc.figure) <= f.numbers


def called_for(f: Finding, listed: list[Inconsistency], gaps: set[str]) -> bool:
    """The reading lists what the finding says: an inconsistency it fits, or a gap of its rule."""
    return f.rule in gaps or any(fits(inc, f) for inc in listed)


def match_firm(firm: list[Inconsistency], findings: list[Finding]) -> list[tuple[Inconsistency, Finding | None]]:
    """Each firm inconsistency takes a distinct finding that fits it, one quoting its numbers first."""
    taken: set[int] = set()
    out = []
    for inc in firm:
        wanted = _numbers(inc.text)
        candidates = [i for i, f in enumerate(findings) if i not in taken and fits(inc, f)]
        candidates.sort(key=lambda i: (findings[i].severity != ERROR, not (findings[i].numbers & wanted)))
        if candidates:
            taken.add(candidates[0])
        out.append((inc, findings[candidates[0]] if candidates else None))
    return out


def judge(ex: ea.Excerpt, layout: str, findings: list[Finding]) -> DocResult:
    doc = DocResult(ex.name, ex.corpus, ex.part, layout)
    truth = ex.truth_doc
    listed, gaps = inconsistencies(truth), gap_rules(truth)
    doc.firm = match_firm([i for i in listed if i.firm], findings)
    doc.errors = sum(f.severity == ERROR for f in findings)
    doc.false_errors = [f for f in findings if f.severity == ERROR and not called_for(f, listed, gaps)]
    doc.warnings = [f for f in findings if f.severity == WARNING]
    return doc


class Checker:
    """The whole check with the rules that sit beside the imported checker package."""

    def __init__(self):
        import checker
        from checker.evaluate import compile_pack
        from checker.rulebook.loader import load_pack

        pack, problems = load_pack([Path(checker.__file__).resolve().parents[1] / "rules"])
        if problems:
            raise SystemExit("\n".join(map(str, problems)))
        self.cpack = compile_pack(pack)

    def check(self, ex: ea.Excerpt, layout: str, workdir: Path) -> DocResult:
        from checker.pipeline import check_file

        try:
            path, _ = ea.document_path(ex, layout, workdir)
            result = check_file(path, self.cpack)
        except Exception as exc:  # a crash is a measurement too: nothing found
            doc = judge(ex, layout, [])
            doc.crash = f"{type(exc).__name__}: {exc}"
            return doc
        return judge(ex, layout, fired(result))


def run(docs: list[ea.Excerpt], layouts, workdir: Path | None = None) -> list[DocResult]:
    checker = Checker()
    with tempfile.TemporaryDirectory(prefix="perfcheck-findings-") as tmp:
        work = Path(workdir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        return [checker.check(ex, layout, work) for layout in layouts for ex in docs]


# ---------------------------------------------------------------- figures


def totals(results: list[DocResult]) -> dict:
    firm = [hit for r in results for _, hit in r.firm]
    with_rule = [hit for r in results for inc, hit in r.firm if inc.rules]
    return {"documents": len(results), "firm": len(firm), "firm_with_rule": len(with_rule),
            "firm_found": sum(h is not None for h in firm),
            "firm_found_as_error": sum(h is not None and h.severity == ERROR for h in firm),
            "errors": sum(r.errors for r in results),
            "false_errors": sum(len(r.false_errors) for r in results),
            "documents_with_false_errors": sum(bool(r.false_errors) for r in results),
            "warnings": sum(len(r.warnings) for r in results), "crashes": sum(r.crash is not None for r in results)}


def _groups(results: list[DocResult]) -> dict[tuple[str, str, str], list[DocResult]]:
    groups = defaultdict(list)
    for r in results:
        groups[(r.part, r.corpus, r.layout)].append(r)
    layouts = list(dict.fromkeys(r.layout for r in results))
    order = [(p, c, lay) for p in ea.PARTS for c in ea.CORPORA for lay in layouts if (p, c, lay) in groups]
    return {g: groups[g] for g in order}


def gate_figures(results: list[DocResult]) -> dict[str, dict]:
    return {"/".join(g): totals(rs) for g, rs in _groups(results).items()}


def summary_table(results: list[DocResult]) -> list[str]:
    lines = ["| part | corpus | layout | documents | firm inconsistencies | with a rule | found | found as error | "
             "errors | false errors | documents with a false error | warnings | warnings per document | crashes |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (part, corpus, layout), rs in _groups(results).items():
        t = totals(rs)
        lines.append(f"| {part} | {corpus} | {layout} | {t['documents']} | {t['firm']} | {t['firm_with_rule']} | "
                     f"{t['firm_found']} | {t['firm_found_as_error']} | {t['errors']} | {t['false_errors']} | "
                     f"{t['documents_with_false_errors']} | "
                     f"{t['warnings']} | {t['warnings'] / max(t['documents'], 1):.2f} | {t['crashes']} |")
    return lines


def by_type(results: list[DocResult]) -> list[str]:
    """Firm inconsistencies per type and layout: found / listed (held-out: this is all it shows)."""
    layouts = list(dict.fromkeys(r.layout for r in results))
    counts: dict[str, Counter] = defaultdict(Counter)
    rules = {}
    for r in results:
        for inc, hit in r.firm:
            counts[inc.type][(r.layout, "n")] += 1
            counts[inc.type][(r.layout, "found")] += hit is not None
            rules[inc.type] = ", ".join(f"`{x}`" for x in inc.rules) or "no rule"
    if not counts:
        return ["- no firm inconsistency"]
    lines = ["| type | rules | " + " | ".join(layouts) + " |", "|---|---|" + "---|" * len(layouts)]
    for t in sorted(counts):
        cells = [f"{counts[t][(lay, 'found')]}/{counts[t][(lay, 'n')]}" for lay in layouts]
        lines.append(f"| {t} | {rules[t]} | " + " | ".join(cells) + " |")
    return lines


def false_by_rule(results: list[DocResult]) -> list[str]:
    layouts = list(dict.fromkeys(r.layout for r in results))
    counts = {lay: Counter(f.rule for r in results if r.layout == lay for f in r.false_errors) for lay in layouts}
    warn = {lay: Counter(f.rule for r in results if r.layout == lay for f in r.warnings) for lay in layouts}
    keys = sorted(set().union(*counts.values(), *warn.values()))
    if not keys:
        return ["- none"]
    lines = ["| rule | " + " | ".join(f"{lay}: false errors / warnings" for lay in layouts) + " |",
             "|---|" + "---|" * len(layouts)]
    lines += [f"| `{k}` | " + " | ".join(f"{counts[lay][k]} / {warn[lay][k]}" for lay in layouts) + " |" for k in keys]
    return lines


def _doc_lines(r: DocResult) -> list[str]:
    lines = [f"CRASH {r.crash}"] if r.crash else []
    for inc, hit in r.firm:
        state = f"found by `{hit.rule}` ({hit.severity})" if hit else ("MISSED" if inc.rules else "missed (no rule)")
        lines.append(f"firm {inc.type}: {state}")
    return lines + [f"false error {f.line()}" for f in r.false_errors] + [f"warning {f.line()}" for f in r.warnings]


def document_details(results: list[DocResult]) -> list[str]:
    """Per tuning document: firm inconsistencies found or missed, false errors, warnings — the
    first layout in full, the others where they differ from it."""
    first_layout = results[0].layout if results else ""
    shown = {(r.corpus, r.name): set(_doc_lines(r)) for r in results if r.layout == first_layout}
    lines = []
    for r in results:
        assert r.part == "tuning", "held-out documents are reported in aggregate only"
        rows = _doc_lines(r)
        if r.layout != first_layout:
            rows = [x for x in rows if x not in shown.get((r.corpus, r.name), ())]
        if rows:
            lines.append(f"- **{r.corpus}/{r.name}** ({r.layout})")
            lines += [f"  - {x}" for x in rows]
    return lines or ["- nothing to report"]


def render(results: list[DocResult], heading: str = "Findings on the real corpus", level: int = 1) -> str:
    h = "#" * level
    out = [f"{h} {heading}", "",
           f"Date: {ea._dt.datetime.now().isoformat(timespec='seconds')}; code: {ea.commit_id()}  ",
           "Firm inconsistencies found (a fired finding of a rule that covers the type and, in real2/, quotes "
           "the printed figure), error findings the reading does not call for (false errors), warnings. Targets "
           "(issue 11, held-out part): every firm inconsistency whose rule exists found, no false error.", "",
           f"{h}# Summary", ""] + summary_table(results)
    for part in ea.PARTS:
        chosen = [r for r in results if r.part == part]
        if not chosen:
            continue
        out += ["", f"{h}# {part}: firm inconsistencies by type (found / listed)", ""] + by_type(chosen)
        out += ["", f"{h}# {part}: false errors and warnings by rule", ""] + false_by_rule(chosen)
        if part == "tuning":
            out += ["", f"{h}# tuning: per document (layouts after the first: where they differ from it)", ""]
            out += document_details(chosen)
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus-base", type=Path, default=ea.SHARED_CORPUS)
    ap.add_argument("--corpora", default=",".join(ea.CORPORA))
    ap.add_argument("--layouts", default=",".join(ea.GATE_LAYOUTS))
    ap.add_argument("--part", default="all", choices=("all",) + ea.PARTS)
    ap.add_argument("--only", default="")
    ap.add_argument("--pdf-dir", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None, help="write the report into this Markdown file's --section")
    ap.add_argument("--section", default="findings")
    ap.add_argument("--heading", default="Findings on the real corpus")
    ap.add_argument("--record-gates", action="store_true")
    args = ap.parse_args(argv)
    if not args.corpus_base.is_dir():
        print(f"no corpus at {args.corpus_base}", file=sys.stderr)
        return 0
    only = [s for s in args.only.split(",") if s] or None
    if ea.held_out_named(only):
        print(f"--only names held-out documents {ea.held_out_named(only)}: measure the held-out part as a whole",
              file=sys.stderr)
        return 0
    parts = ea.PARTS if args.part == "all" else (args.part,)
    docs = ea.documents([c for c in args.corpora.split(",") if c], only, parts, args.corpus_base)
    if args.record_gates:
        ea.record_gates("findings", gate_figures(run(docs, ea.GATE_LAYOUTS, args.pdf_dir)))
        print(f"gates written to {ea.GATES_FILE}")
        return 0
    layouts = [lay for lay in args.layouts.split(",") if lay]
    report = render(run(docs, layouts, args.pdf_dir), args.heading, level=2)
    if args.out:
        ea.write_section(args.out, args.section, report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
