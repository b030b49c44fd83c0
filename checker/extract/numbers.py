"""Numbers as Chinese reports write them: 1,062.78万元, 2655.11元, 92.09%, 十二个.

Every amount keeps its written form and unit, and is normalised to 万元 in Decimal.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..model import Quantity

NUM = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
MONEY_UNITS = {"亿元": Decimal(10000), "万元": Decimal(1), "千元": Decimal("0.1"), "元": Decimal("0.0001")}
# places shift when a figure in this unit is expressed in 万元
_SHIFT = {"亿元": -4, "万元": 0, "千元": 1, "元": 4}
# a fragment after a decimal point and a stray space or line break ("84048800. 00元") is no amount of its own
NOT_A_FRAGMENT = r"(?<!\d\.)(?<!\d\.\s)(?<![\d.])"
AMOUNT_RE = re.compile(rf"{NOT_A_FRAGMENT}(?P<sign>[-−])?(?P<num>{NUM})\s*(?P<unit>亿元|万元|千元|元)")
PERCENT_RE = re.compile(rf"(?P<num>{NUM})\s*%")

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def places_of(text: str) -> int:
    text = text.replace(",", "")
    return len(text.split(".", 1)[1]) if "." in text else 0


def money(num: str, unit: str, negative: bool = False) -> Quantity:
    """A money figure as written -> Quantity in 万元.

    Budget tables state 万元 to two decimals, so an integer such as `358万元` is read as
    358.00 (tolerance ±0.005), not ±0.5; figures in 元 keep their own precision.
    """
    value = _decimal(num) * MONEY_UNITS[unit]
    if negative:
        value = -value
    written_places = places_of(num)
    if unit == "万元":
        written_places = max(written_places, 2)
    places = max(written_places + _SHIFT[unit], 0)
    return Quantity(value, places, "万元", f"{'-' if negative else ''}{num}{unit}")


def percent(num: str) -> Quantity:
    return Quantity(_decimal(num), places_of(num), "%", f"{num}%")


def plain(num: str, unit: str = "") -> Quantity:
    return Quantity(_decimal(num), places_of(num), unit, f"{num}{unit}")


def chinese_int(text: str) -> int | None:
    """十二 -> 12, 二十三 -> 23, 一百零五 -> 105, 23 -> 23."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        else:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
    return total + current


def parse_value(text: str) -> Quantity | None:
    """Parse a figure written with its unit, as rule test cases and users write them."""
    text = str(text).strip().replace("，", ",")
    m = re.fullmatch(rf"(?P<sign>[-−])?(?P<num>{NUM})\s*(?P<unit>亿元|万元|千元|元|%|分|个)?", text)
    if not m:
        return None
    unit = m.group("unit") or ""
    try:
        if unit in MONEY_UNITS:
            return money(m.group("num"), unit, bool(m.group("sign")))
        if unit == "%":
            q = percent(m.group("num"))
        else:
            q = plain(m.group("num"), unit)
    except InvalidOperation:
        return None
    if m.group("sign"):
        q = Quantity(-q.value, q.places, q.unit, "-" + q.written)
    return q
