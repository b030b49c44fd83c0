"""Breakdown facts: a total and the figures that make it up, from prose (其中 …, … 合计) or a fund table.

Shared by the prose readers (facts.py) and the flattened-form reader (flat_forms.py)."""
from __future__ import annotations

from ..model import Fact, Quantity
from .lexicon import entry
from .numbers import plain


def names_partition(names: list[str]) -> bool:
    """Do the parts name every class of a closed way of dividing a total, and nothing else (lexicon
    `closed_partitions`: 基本支出 and 项目支出; 人员经费 and 公用经费 …)? Then the list is complete, and its
    sum must be the total. Parts of an open division (fund sources, government levels) may be only the
    main ones: prose lists them without saying it lists them all."""
    def fits(classes: list[list[str]]) -> bool:
        named = [[any(w in n for w in ws) for ws in classes] for n in names]
        return all(any(row) for row in named) and all(any(col) for col in zip(*named))
    return bool(names) and any(fits(classes) for classes in entry("closed_partitions").values())


def make_breakdown(label: str, total: Quantity, values: list[Quantity], names: list[str], evidence, extractor,
                   anchor: str | None = None, complete: bool | None = None) -> Fact:
    """`complete`: the parts are all there (a fund table's rows, terms listed before their 合计, or names of
    one partition); else only parts that add up to more than the total are a contradiction."""
    # printed parts against their printed total, within one rounding (not one per part): auditors hold a
    # table's 合计 to the sum of the rows as printed, and count 0.03万元 off on five rows as an error
    parts_sum = Quantity(sum(v.value for v in values), max(v.places for v in values), "万元")
    from_table = extractor.startswith("table")
    fields = {"label": label, "total": total, "parts_sum": parts_sum,
              "parts_count": plain(str(len(values)), "个"), "parts": "、".join(n for n in names if n),
              "from_table": from_table,
              "complete": from_table or (complete if complete is not None else names_partition(names))}
    fact = Fact("breakdown", label, fields, evidence, extractor,
                anchor=anchor or ("header" if extractor.startswith("table") else "label"))
    return fact
