"""The near-duplicate rule: within a section, comments whose normalised text has rapidfuzz
`token_set_ratio` ≥ 90 are one suggested group (union-find over the pairs).

Normalised = NFC, lower-case, punctuation removed, a leading "đề nghị" removed, spaces
collapsed. Texts with the same normalised words are matched once; the pairs come from
`rapidfuzz.process.cdist` with `score_cutoff` (single worker: the web shares its cores),
a block of rows at a time so memory stays bounded at city scale."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

THRESHOLD = 90
BLOCK = 2048  # rows of the score matrix computed at once (BLOCK × n bytes)
_PREFIX = re.compile(r"^đề nghị(?:\s+|$)")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _punctuation() -> dict[int, str]:
    """Every Unicode punctuation code point (categories P*) → a space, for str.translate."""
    return {
        cp: " " for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)).startswith("P")
    }


def normalise(text: str) -> str:
    """The text the rule compares: NFC, lower-case, no punctuation, no leading "đề nghị"."""
    folded = unicodedata.normalize("NFC", text).lower().translate(_punctuation())
    bare = _SPACES.sub(" ", folded).strip()
    return _PREFIX.sub("", bare).strip()


def near_duplicates(a: str, b: str) -> bool:
    """Whether two comment texts are near-duplicates by the rule."""
    x, y = normalise(a), normalise(b)
    return bool(x and y) and fuzz.token_set_ratio(x, y) >= THRESHOLD


class _Sets:
    """Union-find over 0..n-1 (path halving, union by size)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]


def _pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """(i, j), i < j, of distinct texts scoring at least THRESHOLD."""
    n = len(texts)
    out: list[tuple[int, int]] = []
    for start in range(0, n, BLOCK):
        rows = texts[start : start + BLOCK]
        # Only the columns from `start` on: the block's lower-left part was an earlier block.
        scores = process.cdist(
            rows,
            texts[start:],
            scorer=fuzz.token_set_ratio,
            score_cutoff=THRESHOLD,
            dtype=np.uint8,
            workers=1,
        )
        ii, jj = np.nonzero(scores)
        keep = jj > ii  # the upper triangle, without the diagonal
        out.extend(zip((ii[keep] + start).tolist(), (jj[keep] + start).tolist(), strict=True))
    return out


def token_set(text: str) -> str:
    """A normalised text as its sorted distinct words: `token_set_ratio` depends on nothing
    else, so texts with the same words are compared once."""
    return " ".join(sorted(set(normalise(text).split())))


def components(texts: Sequence[str]) -> list[list[int]]:
    """The suggested groups of a section's comment texts: lists of indices into `texts`
    (ascending; groups ordered by their first index), only those of two or more texts."""
    keys: dict[str, int] = {}
    index_of: list[int] = []
    seen: dict[str, str] = {}
    for text in texts:
        key = seen.get(text)
        if key is None:
            key = seen[text] = token_set(text)
        index_of.append(keys.setdefault(key, len(keys)) if key else -1)
    distinct = list(keys)
    sets = _Sets(len(distinct))
    for i, j in _pairs(distinct):
        sets.union(i, j)
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(index_of):
        if k >= 0:
            groups.setdefault(sets.find(k), []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])
