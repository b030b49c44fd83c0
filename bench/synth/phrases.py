"""The phrase bank (phrases.yaml) and a seeded chooser over it."""
from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import yaml

BANK_PATH = Path(__file__).with_name("phrases.yaml")
CN_DIGITS = "零一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@lru_cache(maxsize=1)
def bank() -> dict:
    return yaml.safe_load(BANK_PATH.read_text(encoding="utf-8"))


def phrase_path(path: str):
    """bank()['a']['b'] for path 'a.b'."""
    node = bank()
    for key in path.split("."):
        node = node[key]
    return node


@lru_cache(maxsize=1)
def traditional_table() -> dict:
    """str.translate table: simplified -> traditional for the bank's characters that differ."""
    pairs = bank()["traditional"].replace(" ", "")
    return str.maketrans(pairs[0::2], pairs[1::2])


def to_traditional(text: str) -> str:
    return text.translate(traditional_table())


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals (十一, 二十三)."""
    if n <= 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def ordinal(style: str, n: int) -> str:
    """An ordinal in one of the bank's styles ({cn}、 / （{n}） / {circled} …) for the n-th item."""
    return style.format(cn=cn_number(n), n=n, circled=CIRCLED[n - 1] if n <= len(CIRCLED) else f"({n})")


class Chooser:
    """Seeded choices over the bank: every draw of a report goes through one of these."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def pick(self, path_or_list):
        items = phrase_path(path_or_list) if isinstance(path_or_list, str) else path_or_list
        return self.rng.choice(items)

    def sample(self, path_or_list, k: int) -> list:
        items = phrase_path(path_or_list) if isinstance(path_or_list, str) else list(path_or_list)
        return self.rng.sample(items, min(k, len(items)))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def randint(self, a: int, b: int) -> int:
        return self.rng.randint(a, b)

    def uniform(self, a: float, b: float) -> float:
        return self.rng.uniform(a, b)
