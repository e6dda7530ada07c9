"""Vietnamese text: comparison keys (FORMS.md rule 1) and the collation used to sort people."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks: huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_PUNCT = re.compile(r"[,.;:\-_]")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Text in Unicode NFC, outer spaces trimmed."""
    return unicodedata.normalize("NFC", text).strip()


@lru_cache(maxsize=8192)  # names are made of few words: nguyễn, văn, thị …
def _move_tones(word: str) -> str:
    """Take a word's tone mark off its vowel and put it at the end, so placements compare equal."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    base = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", base) + "".join(tones[-1:])


def norm_key(text: str) -> str:
    """The key names are compared by: NFC, case-folded, `,.;:-_` removed, spaces collapsed,
    tone marks in one placement (`uỷ` = `ủy`, `hoà` = `hòa`)."""
    folded = unicodedata.normalize("NFC", text).casefold()
    folded = _PUNCT.sub(" ", folded)
    words = _SPACES.split(folded.strip())
    return " ".join(_move_tones(w) for w in words if w)


_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_MODIFIERS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}


def _letters(word: str) -> tuple[list[int], list[int]]:
    primary: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", word.casefold()):
        parts = unicodedata.normalize("NFD", ch)
        base = parts[0]
        tone = 0
        for mark in parts[1:]:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark == "\u0306":
                base = "ă"
            elif mark == "\u0302":
                base = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
            elif mark == "\u031b":
                base = {"o": "ơ", "u": "ư"}.get(base, base)
        primary.append(_RANK.get(base, 100 + ord(base)))
        tones.append(tone)
    return primary, tones


def collation_key(text: str) -> tuple[list[int], list[int], str]:
    """A sort key under Vietnamese collation: base letters (ă, â after a; đ after d; ê after e;
    ô, ơ after o; ư after u), then tones (none, huyền, hỏi, ngã, sắc, nặng)."""
    primary, tones = _letters(nfc(text))
    return primary, tones, text


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of a Vietnamese full name written family first."""
    parts = nfc(full_name).split()
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], " ".join(parts[1:-1]), parts[-1]


def person_sort_key(full_name: str) -> tuple[object, ...]:
    """Sort people by given name, then middle name, then family name (Vietnamese collation)."""
    family, middle, given = split_name(full_name)
    return (collation_key(given), collation_key(middle), collation_key(family))


def vn_int(value: int) -> str:
    """An integer as organisers read it: dots between thousands (1.234)."""
    return f"{value:,}".replace(",", ".")


def vn_decimal(value: float, digits: int = 1) -> str:
    """A decimal as organisers read it: a comma before the decimals, dots between thousands
    (1.234,5)."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(ratio: float | None, digits: int = 1, *, none: str = "—") -> str:
    """A ratio (0.681) as a percentage the Vietnamese way (68,1%); `none` for no denominator."""
    return none if ratio is None else f"{vn_decimal(ratio * 100, digits)}%"
