"""Text that is not what it seems: legacy-font mojibake (TCVN3/VNI) and control characters."""

from __future__ import annotations

import re

_KEEP_CONTROLS = frozenset("\n\r\t")
# Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F.
_BAD_CONTROL = re.compile(
    "["
    + "".join(
        re.escape(chr(c))
        for c in [*range(0x20), *range(0x7F, 0xA0)]
        if chr(c) not in _KEEP_CONTROLS
    )
    + "]"
)
# Legacy Vietnamese fonts (TCVN3/ABC, VNI) show up in a Unicode file as the Latin-1 symbols
# and letters their code pages put Vietnamese letters on (TCVN3: 0xA1–0xAE, 0xB5–0xFE; VNI's
# mark letters); found inside a word they are mojibake, not typing. °, ±, ² are not among
# them, so "50°C" stays text.
_LEGACY_MARKS = frozenset("¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÄÅÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïñö÷øûüþ")
# Guillemets quote ordinary text; TCVN3's « (ô) and » (ằ) sit between two letters.
_QUOTES = frozenset("«»")
_VN_UPPER_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# VNI writes a base vowel then a Latin-1 letter for the mark ("Nguyeãn", "Vaên"): a or e
# directly followed by an accented vowel never occurs in Vietnamese.
_VNI_PAIR = re.compile(r"[aeAE][àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ]|[oO][âêÂÊ]")
_SUSPECT = re.compile("[" + re.escape("".join(sorted(_LEGACY_MARKS | _VN_UPPER_LATIN1))) + "]")


def looks_like_legacy_font(text: str) -> bool:
    """Text typed in TCVN3/VNI fonts (`NguyÔn V¨n A`, `Nguyeãn Vaên A`) rather than Unicode."""
    if text.isascii():
        return False
    if _VNI_PAIR.search(text):
        return True
    if not _SUSPECT.search(text):
        return False
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in _QUOTES:
            if prev.isalpha() and nxt.isalpha():
                return True
        elif ch in _LEGACY_MARKS and (prev.isalpha() or nxt.isalpha()):
            return True
        # "NguyÔn": an accented capital straight after a lower-case letter.
        if ch in _VN_UPPER_LATIN1 and prev.isalpha() and prev.islower():
            return True
    return False


def bad_control(text: str) -> str | None:
    """The first control character other than line breaks and tabs, if any."""
    m = _BAD_CONTROL.search(text)
    return None if m is None else m.group(0)
