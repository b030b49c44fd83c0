"""Indicators written in prose, one clause each, where the report has no indicator table:
"（一）产出指标。数量指标：新建分类投放点目标≥120个，实际建成126个，分值15分，得15分；…".

Each clause names its target, its result, its weight and its score with the words of the lexicon's
prose_indicator lists, in that order; the level-1 group is the last "产出指标" / "效益指标" … that stands
alone before it, the level-2 group the "数量指标：" that leads it or a clause before it in the sentence.
Every figure rests on its label in the clause, so the facts are anchored like a table's rows.
"""
from __future__ import annotations

import re

from ..model import Fact
from .lexicon import alternation, lexicon
from .numbers import NUM
from .tables import _quantity, _score
from .textflow import Flow

_CLAUSE = re.compile(r"[^；;。\n]+")
_ORDINAL = r"(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[.、．]|[①-⑳])"
REASON_LEAD = 8  # a reason in the next sentence starts with its cause marker ("偏差原因：…", "主要原因是…")
_VALUE = r"[^，,；;。]{1,24}?"


def _pattern() -> re.Pattern:
    spec = lexicon()["prose_indicator"]
    words = {k: "|".join(sorted(map(re.escape, v), key=len, reverse=True)) for k, v in spec.items()}
    return re.compile(
        rf"^\s*{_ORDINAL}?\s*(?:(?P<level2>[^：:，,]{{1,10}}指标)[：:])?\s*(?P<name>[^，,：:]{{2,30}}?)[，,]?(?:{words['target']})(?:为|是)?\s*"
        rf"(?P<target>{_VALUE})[，,]\s*(?:{words['actual']})(?:为|是)?\s*(?P<actual>{_VALUE})[，,]"
        rf"(?P<between>[^；;。]*?)(?:{words['weight']})(?:为)?\s*(?P<weight>{NUM})分[，,、]?\s*"
        rf"(?:{words['score']})(?:分)?(?:为)?\s*(?P<score>{NUM})分(?P<tail>[^；;。]*)")


def _level1_heading() -> re.Pattern:
    """A clause that is a level-1 group's title alone: "（一）产出指标", "2.效益指标"."""
    return re.compile(rf"^\s*{_ORDINAL}?\s*({alternation('indicators.level1')})指标\s*(?:[（(][^）)]*[）)])?[：:]?\s*$")


def prose_indicators(flow: Flow) -> list[Fact]:
    pattern, heading = _pattern(), _level1_heading()
    cause = lexicon()["cause_phrases"]
    facts: list[Fact] = []
    level1 = level2 = ""
    clauses = list(_CLAUSE.finditer(flow.text))
    for at, m in enumerate(clauses):
        clause = m.group(0)
        if (h := heading.match(clause)) is not None:
            level1, level2 = h.group(1), ""
            continue
        found = pattern.match(clause)
        if found is None:
            continue
        level2 = re.sub(rf"^{_ORDINAL}", "", (found.group("level2") or level2).strip())
        fields: dict = {"level1": level1, "name": found.group("name").strip()}
        if level2:
            fields["level2"] = level2
        for key, group in (("target", "target"), ("achieved", "actual")):
            text = found.group(group).strip()
            value, direction = _quantity(text)
            if value is not None:
                fields[key] = value
                if direction and key == "target":
                    fields["direction"] = direction
            else:
                fields[f"{key}_text"] = text
        fields["weight"], fields["score"] = _score(found.group("weight")), _score(found.group("score"))
        tail = found.group("tail")
        following = clauses[at + 1].group(0).strip() if at + 1 < len(clauses) else ""
        if any(c in tail for c in cause):
            fields["reason"] = tail.strip("，, ")
        elif any(c in following[:REASON_LEAD] for c in cause):  # "…得8分。偏差原因：受持续降雨影响…"
            fields["reason"] = following
        start = m.start() + found.start("name")
        facts.append(Fact("indicator", f"指标：{fields['name']}", fields, [flow.quote(start, m.end())],
                          "prose.indicator", anchor="label"))
    return facts
