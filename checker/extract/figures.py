"""Label-value pairs: "年初预算 358万元", "年中调减预算 592.33 万元", "完成预算的 98.83%".

The synonyms live in lexicon.yaml; this module turns them into one alternation per fact
family (longest wording first, so 调整后预算 wins over 调整预算) and reads the figure
that follows a label within a short filler ("为", "达到", a colon).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


from ..model import Quantity
from .lexicon import lexicon
from .numbers import AMOUNT_RE, NUM, money, percent

_FILLER = r"[为是了达到约共计合计:：\s]{0,4}"


@dataclass(frozen=True)
class Figure:
    field: str  # field name in the fact family (initial, spent, rate_stated, adjustment_up ...)
    label: str  # label as written
    value: Quantity
    start: int  # offset of the label in the text searched
    end: int  # offset just after the figure
    number_start: int  # offset of the figure itself


@lru_cache(maxsize=8)
def _pattern(family: str) -> tuple[re.Pattern, dict[str, str]]:
    by_label: dict[str, str] = {}
    for field, words in lexicon()[family].items():
        for word in words:
            by_label.setdefault(word, field)
    alternation = "|".join(re.escape(w) for w in sorted(by_label, key=len, reverse=True))
    figure = rf"(?P<sign>[-−])?(?P<num>{NUM})\s*(?P<unit>亿元|万元|千元|元|%)"
    return re.compile(rf"(?P<label>{alternation}){_FILLER}{figure}"), by_label


def find_figures(text: str, family: str, base: int = 0) -> list[Figure]:
    pattern, by_label = _pattern(family)
    out = []
    for m in pattern.finditer(text):
        field = by_label[m.group("label")]
        unit = m.group("unit")
        is_rate = field == "rate_stated"
        if is_rate != (unit == "%"):
            continue  # a rate label with an amount, or an amount label with a percentage
        value = percent(m.group("num")) if is_rate else money(m.group("num"), unit, bool(m.group("sign")))
        out.append(Figure(field, m.group("label"), value, base + m.start(), base + m.end(), base + m.start("num")))
    return out


def money_mentions(text: str, base: int = 0):
    """Every money amount in `text`: (start, end, Quantity, unit as written)."""
    for m in AMOUNT_RE.finditer(text):
        yield base + m.start(), base + m.end(), money(m.group("num"), m.group("unit"), bool(m.group("sign"))), m.group("unit")
