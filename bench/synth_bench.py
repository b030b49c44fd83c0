"""Synthetic-report bench: how perfcheck does on reports it has never seen (issue 11).

Generates clean reports and reports with one seeded problem each (bench/synth), in every layout and
of both kinds, checks each through perfcheck's Python API and writes bench/SYNTH.md:

* clean reports: error and warning findings per 10 reports (overall, per layout, kind and rule),
  with the first examples of each false finding;
* seeded reports: found % (the expected rule fired on the right subject, and not already on the
  clean twin), per problem type and layout, the misses listed; errors of other rules.

Each seeded report has a clean twin (same seed, same preparation, no problem): the twins are the
clean sample. Generated files are cached in a temp dir by the generator's source and the case.

    python bench/synth_bench.py            # 216 clean + 216 seeded, 2 workers
    python bench/synth_bench.py --quick    # 32 + 32
    python bench/synth_bench.py --record-gates   # the gate sample -> bench/synth_gates.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for path in (ROOT, BENCH):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from synth import LAYOUTS, PROBLEMS, generate, problems_for, render  # noqa: E402
from synth.layouts import extension  # noqa: E402

KIND_CYCLE = ("department", "project", "department", "form", "project")
KIND_NAMES = {"department": "部门整体", "project": "项目", "form": "项目"}  # as perfcheck names the kinds
DEFAULT_PAIRS = 216
QUICK_PAIRS = 32
GATE_PAIRS = 16  # the test's sample: 16 clean + 16 seeded, every layout twice
GATE_SEED = 7000
WORKERS = 2
EXAMPLES = 3
TARGET_ERRORS_PER_10 = 0.0
TARGET_WARNINGS_PER_10 = 1.0
TARGET_FOUND = 98.0
CACHE = Path(tempfile.gettempdir()) / "perfcheck-synth-cache"
OUT = BENCH / "SYNTH.md"
GATES = BENCH / "synth_gates.json"
FLAGGED = ("error", "warning")
AXES = ("section titles and their order (score first or last), level-1/level-2/item ordinals (一、/一 /第一部分/一．, "
        "（一）/(一)/1./1、, 1./（1）/①/第一，/一是), label synonyms (年初预算数/预算批复数…, 全年预算数/调整后预算…, "
        "实际支出/执行数/决算数…), grade words and phrasings (优/优秀 …, 评价等次为“优”/等次为优/评定为…), units 万元/元, "
        "thousand separators, rates with 0–2 decimals, stray spaces in figures (.txt), indicator-count sentences, "
        "project paragraphs with or without mid-year adjustment, low-rate reasons, enumerations with 与/和 in unit "
        "names and the count before or after the list, indicator-table column orders and header words, repeated or "
        "merged level-1 cells, per-group 合计 rows, 自评表 fund rows by source, a grade line on forms or none")


@dataclass(frozen=True)
class Case:
    """One report to check: a seeded one or its clean twin."""
    seed: int
    kind: str
    layout: str
    problem: str
    seeded: bool

    @property
    def name(self) -> str:
        return f"{self.seed}-{self.kind}-{self.layout}-{self.problem}-{'seeded' if self.seeded else 'clean'}"


@dataclass
class Outcome:
    case: Case
    hits: list  # [rule, severity, subject, message, evidence]
    expected: dict | None
    seconds: float
    crash: str = ""
    extra: dict = field(default_factory=dict)


def plan(pairs: int, base_seed: int = 0) -> list[Case]:
    """Pairs (clean twin, seeded) cycling kinds, layouts and each kind's problem types."""
    cases, per_kind = [], Counter()
    for i in range(pairs):
        kind = KIND_CYCLE[i % len(KIND_CYCLE)]
        problems = problems_for(kind)
        problem = problems[per_kind[kind] % len(problems)]
        per_kind[kind] += 1
        layout = LAYOUTS[i % len(LAYOUTS)]
        seed = base_seed + i
        cases += [Case(seed, kind, layout, problem, False), Case(seed, kind, layout, problem, True)]
    return cases


def generator_version() -> str:
    digest = hashlib.sha256()
    for path in sorted((BENCH / "synth").glob("*")):
        if path.suffix in (".py", ".yaml"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def materialise(case: Case, cache: Path, version: str):
    """The report's file (from the cache when this generator wrote it before) and its seeded problem."""
    report = generate(case.seed, case.kind, case.problem if case.seeded else None, prepare=case.problem)
    path = cache / version / (case.name + extension(case.layout))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.part{path.suffix}")  # another run may write it too
        render(report.blocks, case.layout, tmp, case.seed)
        tmp.replace(path)
        path.with_suffix(".truth.json").write_text(json.dumps(report.truth.to_json(), ensure_ascii=False, indent=1),
                                                   encoding="utf-8")
    return path, report.expected


_CPACK = None


def compiled_pack():
    """The rule pack as seeded_recall loads it (national profile), once per process."""
    global _CPACK
    if _CPACK is None:
        from checker.evaluate import compile_pack
        from checker.rulebook.loader import load_pack

        pack, problems = load_pack([ROOT / "rules"])
        if problems:
            raise SystemExit("\n".join(map(str, problems)))
        _CPACK = compile_pack(pack)
    return _CPACK


def check_case(args) -> Outcome:
    case, cache, version = args
    from checker.pipeline import check_file

    start = time.perf_counter()
    path, expected = materialise(case, Path(cache), version)
    try:
        result = check_file(path, compiled_pack())
    except Exception as exc:  # a crash is a measurement too
        return Outcome(case, [], expected, time.perf_counter() - start, crash=f"{type(exc).__name__}: {exc}")
    if result.status != "checked":
        return Outcome(case, [], expected, time.perf_counter() - start, crash=f"{result.error.code}: {result.error.message}")
    hits = [[f.rule, f.severity, f.subject, f.message, " ".join(e.text for e in f.evidence)]
            for f in result.findings if f.outcome == "fired" and not f.waived]
    return Outcome(case, hits, expected, time.perf_counter() - start,
                   extra={"kind_read": result.document.get("report_kind", "")})


def run(cases: list[Case], workers: int, cache: Path = CACHE, progress: bool = True) -> list[Outcome]:
    version = generator_version()
    jobs = [(c, str(cache), version) for c in cases]
    out = []
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for n, outcome in enumerate(pool.map(check_case, jobs, chunksize=2), start=1):
            out.append(outcome)
            if progress and (n % 20 == 0 or n == len(jobs)):
                print(f"  {n}/{len(jobs)} checked, {time.perf_counter() - start:.0f} s", flush=True)
    return out


# ---------------------------------------------------------------- judging


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def subject_key(subject: str | None) -> str:
    return flat(subject)[:6] if subject else ""


def on_subject(hit: list, expected: dict) -> bool:
    key = subject_key(expected.get("subject"))
    snippet = expected.get("snippet")
    rule, _, subject, message, evidence = hit
    if snippet and flat(snippet) in flat(evidence + message):
        return True
    return not key or key in flat(subject + message)


@dataclass
class Judged:
    outcome: Outcome
    found: bool = False
    on_twin: bool = False  # the expected finding fired, but the clean twin has it too (word for word)
    false_errors: list = field(default_factory=list)      # errors of rules neither expected nor accepted
    new_false_errors: list = field(default_factory=list)  # of those, not on the clean twin


def judge(seeded: Outcome, twin: Outcome | None) -> Judged:
    exp = seeded.expected
    before = {(h[0], h[2], h[3]) for h in (twin.hits if twin else [])}
    j = Judged(seeded)
    for hit in seeded.hits:
        rule, severity = hit[0], hit[1]
        if rule in exp["rules"] and on_subject(hit, exp) and (rule, hit[2], hit[3]) in before:
            j.on_twin = True
        elif rule in exp["rules"] and on_subject(hit, exp):
            j.found = True
        elif severity == "error" and rule not in exp["rules"] and rule not in exp["accepted"]:
            j.false_errors.append(hit)
            if (rule, hit[2], hit[3]) not in before:
                j.new_false_errors.append(hit)
    return j


def split(outcomes: list[Outcome]) -> tuple[list[Outcome], list[Judged]]:
    clean = [o for o in outcomes if not o.case.seeded]
    twins = {o.case.seed: o for o in clean}
    judged = [judge(o, twins.get(o.case.seed)) for o in outcomes if o.case.seeded]
    return clean, judged


# ---------------------------------------------------------------- figures


def per10(count: int, reports: int) -> float:
    return round(10 * count / reports, 2) if reports else 0.0


def flagged(o: Outcome, severity: str) -> list:
    return [h for h in o.hits if h[1] == severity]


def summary(outcomes: list[Outcome]) -> dict:
    """The headline figures (also what the gates record)."""
    clean, judged = split(outcomes)
    n = len(clean)
    errors = sum(len(flagged(o, "error")) for o in clean)
    warnings = sum(len(flagged(o, "warning")) for o in clean)
    found = sum(j.found for j in judged)
    return {
        "clean_reports": n,
        "clean_errors_per_10": per10(errors, n),
        "clean_warnings_per_10": per10(warnings, n),
        "clean_crashes": sum(bool(o.crash) for o in clean),
        "seeded_reports": len(judged),
        "seeded_found_pct": round(100 * found / len(judged), 1) if judged else 0.0,
        "seeded_false_errors": sum(len(j.false_errors) for j in judged),
    }


def targets_met(s: dict) -> dict:
    return {
        "clean: 0 error findings": s["clean_errors_per_10"] <= TARGET_ERRORS_PER_10 and not s["clean_crashes"],
        "clean: ≤ 1 warning per 10 reports": s["clean_warnings_per_10"] <= TARGET_WARNINGS_PER_10,
        "seeded: found ≥ 98 %": s["seeded_found_pct"] >= TARGET_FOUND,
    }


def group_rows(clean: list[Outcome], key) -> list[str]:
    groups = defaultdict(list)
    for o in clean:
        groups[key(o)].append(o)
    rows = []
    for name in sorted(groups):
        os_ = groups[name]
        e = sum(len(flagged(o, "error")) for o in os_)
        w = sum(len(flagged(o, "warning")) for o in os_)
        rows.append(f"| {name} | {len(os_)} | {per10(e, len(os_))} | {per10(w, len(os_))} | "
                    f"{sum(1 for o in os_ if not flagged(o, 'error'))} |")
    return rows


def rule_rows(clean: list[Outcome]) -> tuple[list[str], list[str]]:
    counts, examples = Counter(), defaultdict(list)
    for o in clean:
        for h in o.hits:
            if h[1] in FLAGGED:
                counts[(h[0], h[1])] += 1
                if len(examples[h[0]]) < EXAMPLES:
                    examples[h[0]].append((o.case, h))
    n = len(clean)
    rows = [f"| {rule} | {sev} | {c} | {per10(c, n)} |" for (rule, sev), c in counts.most_common()]
    ex = []
    for rule, items in sorted(examples.items(), key=lambda kv: -sum(c for (r, _), c in counts.items() if r == kv[0])):
        ex.append(f"- **{rule}**")
        for case, h in items:
            ex.append(f"  - `{case.name}` — {h[2]}：{cut(h[3])}")
    return rows, ex


def cut(text: str, n: int = 160) -> str:
    text = flat(text).replace("|", "｜")
    return text if len(text) <= n else text[:n] + "…"


def seeded_rows(judged: list[Judged], key) -> list[str]:
    groups = defaultdict(list)
    for j in judged:
        groups[key(j.outcome.case)].append(j)
    rows = []
    for name in sorted(groups):
        js = groups[name]
        found = sum(j.found for j in js)
        rows.append(f"| {name} | {len(js)} | {found} | {round(100 * found / len(js), 1)} % | "
                    f"{sum(len(j.false_errors) for j in js)} |")
    return rows


def misses(judged: list[Judged]) -> list[str]:
    out = []
    for j in judged:
        if j.found:
            continue
        exp, o = j.outcome.expected, j.outcome
        got = ", ".join(sorted({h[0] for h in o.hits if h[0] in exp["rules"]})) or "—"
        twin = "yes" if j.on_twin else ""
        out.append(f"| `{o.case.name}` | {exp['detail']} | {exp.get('subject') or '—'} | {o.crash or got} | {twin} |")
    return out


def false_error_rows(judged: list[Judged]) -> list[str]:
    counts, example = Counter(), {}
    for j in judged:
        for h in j.false_errors:
            counts[h[0]] += 1
            example.setdefault(h[0], (j.outcome.case, h))
    return [f"| {rule} | {c} | `{example[rule][0].name}`: {cut(example[rule][1][3], 100)} |"
            for rule, c in counts.most_common()]


def coverage_section() -> list[str]:
    """What the generator varies: layouts, problem types with the rules that should catch them, axes."""
    from synth.layouts import __doc__ as layouts_doc

    lines = ["## What is generated", "", "Layouts:", "", "```", layouts_doc.split("\n\n", 1)[1].strip(), "```", "",
             "| problem | kinds | expected rule(s) |", "|---|---|---|"]
    for name, p in PROBLEMS.items():
        lines.append(f"| {name} | {', '.join(p.kinds)} | {', '.join(sorted(p.rules))} |")
    lines += ["", "Axes drawn per report (bench/synth/phrases.yaml): " + AXES, ""]
    return lines


def kind_rows(outcomes: list[Outcome]) -> list[str]:
    """How often the report's kind was read as what it is (kind-specific rules depend on it), and time per report."""
    groups = defaultdict(list)
    for o in outcomes:
        groups[o.case.kind].append(o)
    rows = []
    for kind, os_ in sorted(groups.items()):
        right = sum(o.extra.get("kind_read") == KIND_NAMES[kind] for o in os_)
        read = Counter(o.extra.get("kind_read") or "—" for o in os_)
        rows.append(f"| {kind} | {len(os_)} | {round(100 * right / len(os_), 1)} % | "
                    f"{', '.join(f'{k} {n}' for k, n in read.most_common())} |")
    return rows


def time_rows(outcomes: list[Outcome]) -> list[str]:
    groups = defaultdict(list)
    for o in outcomes:
        groups[o.case.layout].append(o.seconds)
    return [f"| {layout} | {round(sum(v) / len(v), 2)} s | {round(max(v), 2)} s |" for layout, v in sorted(groups.items())]


def report(outcomes: list[Outcome], seconds: float, workers: int) -> str:
    clean, judged = split(outcomes)
    s = summary(outcomes)
    met = targets_met(s)
    lines = [
        "# Synthetic reports: perfcheck on reports it has not seen",
        "",
        f"Written by `bench/synth_bench.py` ({len(clean)} clean + {len(judged)} seeded reports, "
        f"{len(LAYOUTS)} layouts, kinds 部门整体 / 项目 report / 项目 自评表; {workers} workers, {seconds:.0f} s).",
        "The generator (bench/synth/) draws each report's figures with exact decimal arithmetic and its wording "
        "from bench/synth/phrases.yaml (phrasings of the published reports, not the extractor's lexicon). "
        "Each seeded report has a clean twin (same seed, no problem): the twins are the clean sample.",
        "",
        "## Targets (issue 11)",
        "",
        "| target | figure | met |",
        "|---|---:|---|",
        f"| clean: 0 error findings | {s['clean_errors_per_10']} per 10 reports | {'yes' if met['clean: 0 error findings'] else 'no'} |",
        f"| clean: ≤ 1 warning per 10 reports | {s['clean_warnings_per_10']} per 10 reports | "
        f"{'yes' if met['clean: ≤ 1 warning per 10 reports'] else 'no'} |",
        f"| seeded: found ≥ 98 % | {s['seeded_found_pct']} % | {'yes' if met['seeded: found ≥ 98 %'] else 'no'} |",
        "",
        f"Crashes or unreadable files: {sum(bool(o.crash) for o in outcomes)}. "
        f"Errors of other rules on seeded reports: {s['seeded_false_errors']} "
        f"({sum(len(j.new_false_errors) for j in judged)} of them not on the clean twin).",
        "",
        "## Clean reports: findings per 10 reports",
        "",
        "| layout | reports | errors / 10 | warnings / 10 | reports without error |",
        "|---|---:|---:|---:|---:|",
        *group_rows(clean, lambda o: o.case.layout),
        "",
        "| kind | reports | errors / 10 | warnings / 10 | reports without error |",
        "|---|---:|---:|---:|---:|",
        *group_rows(clean, lambda o: o.case.kind),
        "",
    ]
    rows, examples = rule_rows(clean)
    lines += ["| rule | severity | findings | per 10 reports |", "|---|---|---:|---:|", *rows, "",
              "### First examples of each false finding (report, subject：message)", "", *examples, ""]
    lines += ["## Seeded reports: found", "",
              "Found: a finding of an expected rule, on the seeded subject where the problem has one (or quoting "
              "the seeded figure), that the clean twin does not have.", "",
              "| problem | reports | found | % | errors of other rules |", "|---|---:|---:|---:|---:|",
              *seeded_rows(judged, lambda c: c.problem), "",
              "| layout | reports | found | % | errors of other rules |", "|---|---:|---:|---:|---:|",
              *seeded_rows(judged, lambda c: c.layout), "",
              "| kind | reports | found | % | errors of other rules |", "|---|---:|---:|---:|---:|",
              *seeded_rows(judged, lambda c: c.kind), "",
              "### Missed", "",
              "“expected rule fired”: on another subject, or (last column) on the seeded subject but word for word as "
              "on the clean twin, so it cannot be told from a misreading.", "",
              "| report | seeded | subject | expected rule fired | same finding on the clean twin |", "|---|---|---|---|---|",
              *misses(judged), "",
              "### Errors of other rules on seeded reports", "", "| rule | findings | first example |", "|---|---:|---|",
              *false_error_rows(judged), "",
              "## Report kind read, and time", "",
              "| kind | reports | read as its kind | read as |", "|---|---:|---:|---|", *kind_rows(outcomes), "",
              "| layout | mean time per report (generate + check) | longest |", "|---|---:|---:|", *time_rows(outcomes), "",
              *coverage_section()]
    return "\n".join(lines)


# ---------------------------------------------------------------- gates


def gate_figures(workers: int = WORKERS, progress: bool = False) -> dict:
    """The figures of the gate sample (tests/test_synth.py compares them with bench/synth_gates.json)."""
    return summary(run(plan(GATE_PAIRS, GATE_SEED), workers, progress=progress))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=DEFAULT_PAIRS, help="clean + seeded pairs (default %(default)s)")
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_PAIRS} pairs")
    ap.add_argument("--seed", type=int, default=0, help="first seed")
    ap.add_argument("--workers", type=int, default=WORKERS)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--record-gates", action="store_true", help=f"write the gate sample's figures to {GATES.name}")
    args = ap.parse_args(argv)
    if args.record_gates:
        figures = gate_figures(args.workers, progress=True)
        GATES.write_text(json.dumps({"pairs": GATE_PAIRS, "seed": GATE_SEED, **figures}, indent=1) + "\n")
        print(json.dumps(figures, indent=1))
        return 0
    pairs = QUICK_PAIRS if args.quick else args.pairs
    cases = plan(pairs, args.seed)
    print(f"{len(cases)} reports ({pairs} clean + {pairs} seeded), {len(LAYOUTS)} layouts, {args.workers} workers; "
          f"files and their truth (.truth.json) in {CACHE / generator_version()}")
    start = time.perf_counter()
    outcomes = run(cases, args.workers)
    seconds = time.perf_counter() - start
    text = report(outcomes, seconds, args.workers)
    args.out.write_text(text + "\n", encoding="utf-8")
    s = summary(outcomes)
    print(json.dumps(s, ensure_ascii=False))
    for target, ok in targets_met(s).items():
        print(f"target {target}: {'met' if ok else 'NOT met'}")
    print(f"{args.out} written in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
