"""Score tables read: total, grade, level-1 parts, indicator rows and the execution block, against a tester's
truth (bench/strangers/setN/truth.yaml, for the sets whose testers listed every printed score).

A tester wrote scoring tables as they are published (pipe rows, one cell per line, cells run together, OCR
spacing, Word tables with merged cells, PDF tables over two pages) and listed what is printed in them. This
measures how much of it perfcheck reads (extract + derive), figure by figure:

* total / grade: the self-evaluation's score_total and grade_stated;
* parts: a level-1 group (决策, 产出 …) with its marks and score — the ones stated, or its rows' sums;
* rows: an indicator named as printed with its weight (分值) and score (得分);
* execution: the funds block's rate, weight and score;
* extra rows: indicators read that the truth does not list (a misreading).

    .venv/bin/python bench/score_readings.py [--sets set5] [--details]
    .venv/bin/python bench/score_readings.py --record-gates   # bench/score_gates.json (tests/test_strangers.py)
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
SETS = BENCH / "strangers"
GATES = BENCH / "score_gates.json"
KINDS = ("total", "grade", "parts", "rows", "execution")
FUNDS = re.compile(r"资金|预算|执行")  # a part named for the funds block
_MARKS = re.compile(r"[(（][^)）]*[)）]|指标|\s")


def norm(name: str) -> str:
    """A name as compared: no brackets, no 指标, no spaces, NFKC-folded by the extractor's own cleaning."""
    from checker.extract.tables import clean

    return _MARKS.sub("", clean(str(name or "")))


def same(value, q) -> bool:
    """The printed figure (a number, or a string such as "85.00%") and the one read."""
    if value is None or q is None:
        return False
    return abs(Decimal(str(value).replace("%", "").replace(",", "").strip()) - q.value) <= Decimal("0.001")


@dataclass
class Reading:
    name: str
    counts: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in KINDS})  # found, listed
    extra_rows: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def tally(self, kind: str, found: bool, what: str) -> None:
        self.counts[kind][1] += 1
        self.counts[kind][0] += int(found)
        if not found:
            self.missed.append(f"{kind}: {what}")


def _group_figures(g) -> tuple:
    f = g.fields
    return f.get("full_marks") or f.get("rows_full_marks"), f.get("score") if f.get("score") is not None else f.get("rows_score")


def read(path: Path, truth: dict) -> Reading:
    from checker.derive import derive
    from checker.extract import extract
    from checker.ingest import load

    facts = derive(extract(load(path)))
    out = Reading(path.name)
    se = next((f for f in facts if f.kind == "self_evaluation"), None)
    if truth.get("total_score") is not None:
        out.tally("total", se is not None and same(truth["total_score"], se.fields.get("score_total")),
                  str(truth["total_score"]))
    if truth.get("grade"):
        out.tally("grade", se is not None and (se.fields.get("grade_stated") or "")[:1] == str(truth["grade"])[:1],
                  truth["grade"])
    groups = [f for f in facts if f.kind == "indicator_group"]
    ex = next((f for f in facts if f.kind == "execution_score"), None)
    for part in truth.get("parts") or []:
        g = next((g for g in groups if norm(g.fields.get("name")) and norm(g.fields.get("name")) in norm(part["name"])), None)
        marks, score = _group_figures(g) if g is not None else (None, None)
        if g is None and FUNDS.search(part["name"]) and ex is not None:  # a project form's funds block is a part
            marks, score = ex.fields.get("weight"), ex.fields.get("score")
        for key, q in (("weight", marks), ("score", score)):
            if part.get(key) is not None:
                out.tally("parts", same(part[key], q), f"{part['name']} {key} {part[key]}")
    rows = [f for f in facts if f.kind == "indicator"]
    listed = set()
    for row in truth.get("rows") or []:
        match = next((r for r in rows if norm(r.fields.get("name")) == norm(row["name"])), None)
        listed.add(norm(row["name"]))
        for key in ("weight", "score"):
            if row.get(key) is not None:
                out.tally("rows", match is not None and same(row[key], match.fields.get(key)),
                          f"{row['name']} {key} {row[key]}")
    execution = truth.get("execution") or {}
    for key in ("rate", "weight", "score"):
        if execution.get(key) is not None:
            out.tally("execution", ex is not None and same(execution[key], ex.fields.get(key)), f"{key} {execution[key]}")
    out.extra_rows = [r.fields.get("name") for r in rows if norm(r.fields.get("name")) not in listed]
    return out


def measure(sets: list[str] | None = None) -> dict[str, list[Reading]]:
    results = {}
    for folder in sorted(SETS.glob("set*")):
        truth_file = folder / "truth.yaml"
        if not truth_file.exists() or (sets and folder.name not in sets):
            continue
        truth = yaml.safe_load(truth_file.read_text(encoding="utf-8"))
        results[folder.name] = [read(folder / name, entry) for name, entry in truth.items()]
    return results


def figures(readings: list[Reading]) -> dict:
    out = {}
    for kind in KINDS:
        found, listed = (sum(r.counts[kind][i] for r in readings) for i in (0, 1))
        out[kind] = {"found": found, "listed": listed}
    out["extra_rows"] = sum(len(r.extra_rows) for r in readings)
    return out


def report(results: dict[str, list[Reading]], details: bool = False) -> str:
    lines = ["| set | " + " | ".join(KINDS) + " | all | extra rows |", "|---|" + "---:|" * (len(KINDS) + 2)]
    for name, readings in results.items():
        f = figures(readings)
        cells = [f"{f[k]['found']}/{f[k]['listed']}" for k in KINDS]
        found, listed = sum(f[k]["found"] for k in KINDS), sum(f[k]["listed"] for k in KINDS)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {found}/{listed} = {found / listed:.1%} | {f['extra_rows']} |"
                     if listed else f"| {name} | " + " | ".join(cells) + " | — | 0 |")
    if details:
        for name, readings in results.items():
            for r in readings:
                if r.missed or r.extra_rows:
                    lines.append(f"- {name}/{r.name}: missed {len(r.missed)}" + (f" ({'; '.join(r.missed[:8])})" if r.missed else "")
                                 + (f"; extra rows {r.extra_rows[:5]}" if r.extra_rows else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help="comma-separated set names (default: every set with a truth.yaml)")
    parser.add_argument("--details", action="store_true", help="what each report misses")
    parser.add_argument("--record-gates", action="store_true", help=f"write {GATES.name}")
    args = parser.parse_args(argv)
    results = measure(args.sets.split(",") if args.sets else None)
    print(report(results, args.details))
    if args.record_gates:
        GATES.write_text(json.dumps({n: figures(r) for n, r in results.items()}, indent=2) + "\n", encoding="utf-8")
        print(f"gates written to {GATES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
