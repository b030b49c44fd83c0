"""Measure the durable_rules operators the compiler relies on (issue 12): run in its own process, since
a crash of the engine's C core would take the caller with it.

Every relational operator against an own field ({"$m": …}) and against nested $add/$sub of own fields
and literals, own-field text equality and inequality, and $mt with ".*word.*", on facts whose values are
zero, negative, small and large (to 9e17), each activation compared with Python's answer.

    .venv/bin/python bench/engine_operators.py        # prints one line; exit 1 on any disagreement
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker import engine  # noqa: E402

OPS = {"$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b, "$lt": lambda a, b: a < b,
       "$lte": lambda a, b: a <= b, "$neq": lambda a, b: a != b}
VALUES = [0, 1, -1, 5, -5, 10**12, -(10**12), 9 * 10**17, -(9 * 10**17), 123456789012345]
THIRDS = [0, 3, -4, 10**12]
TEXTS = ["时效", "数量、质量、时效、成本", "数量、质量", "", "时", "效时效"]


def rule(name: str, test: dict) -> dict:
    return {"all": [{"m": {"$and": [{"kind": "t"}, test]}}], "run": name}


def ruleset() -> dict:
    rules = {}
    for op in OPS:
        rules[f"{op}-m"] = rule(f"{op}-m", {op: {"a": {"$m": "b"}}})
        rules[f"{op}-add"] = rule(f"{op}-add", {op: {"a": {"$add": {"$l": {"$m": "b"}, "$r": {"$m": "c"}}}}})
        rules[f"{op}-sub"] = rule(f"{op}-sub", {op: {"a": {"$sub": {"$l": {"$sub": {"$l": {"$m": "b"}, "$r": {"$m": "c"}}},
                                                                  "$r": 7}}}})
    rules["text-neq"] = rule("text-neq", {"$neq": {"g": {"$m": "h"}}})
    rules["text-eq"] = rule("text-eq", {"g": {"$m": "h"}})
    rules["mt"] = rule("mt", {"$mt": {"d": ".*时效.*"}})
    return rules


def expected_and_facts():
    facts, expect = [], set()
    for fid, (a, b, c) in enumerate(itertools.product(VALUES, VALUES, THIRDS), 1):
        text = TEXTS[fid % len(TEXTS)]
        facts.append({"kind": "t", "fid": fid, "a": a, "b": b, "c": c, "g": "优" if a > b else "良", "h": "优", "d": text})
        for op, f in OPS.items():
            expect |= {(f"{op}-m", fid)} if f(a, b) else set()
            expect |= {(f"{op}-add", fid)} if f(a, b + c) else set()
            expect |= {(f"{op}-sub", fid)} if f(a, b - c - 7) else set()
        expect.add(("text-neq" if a <= b else "text-eq", fid))
        expect |= {("mt", fid)} if "时效" in text else set()
    return facts, expect


def main() -> int:
    facts, expect = expected_and_facts()
    got = set(engine.run("operators_probe", ruleset(), facts))
    version = sys.version.split()[0]
    print(f"durable_rules operators on CPython {version}: {len(facts)} facts, {len(ruleset())} rules, "
          f"{len(expect)} activations expected, {len(got & expect)} found, {len(expect - got)} missing, "
          f"{len(got - expect)} extra")
    return 0 if got == expect else 1


if __name__ == "__main__":
    sys.exit(main())
