"""The genre's phrase knowledge, loaded from lexicon.yaml: one place for every wording.

Readers ask for word lists or ready-made alternations by key ("sections.has_problems"); a new
phrasing is one line in lexicon.yaml, never an edit of a reader. Longest wording first, so a
longer label (调整后预算) wins over the shorter one it contains (调整预算).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")


@lru_cache(maxsize=1)
def lexicon() -> dict:
    return yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))


def entry(key: str):
    """The lexicon entry at a dotted key ("grade.labels")."""
    node = lexicon()
    for part in key.split("."):
        node = node[part]
    return node


def words(key: str) -> tuple[str, ...]:
    """A word list, longest first."""
    return tuple(sorted(entry(key), key=len, reverse=True))


@lru_cache(maxsize=None)
def alternation(key: str) -> str:
    """A regex alternation of a word list (escaped, longest first), to embed in a pattern."""
    return "|".join(re.escape(w) for w in words(key))
