"""Normalise plan text copied from documents and web pages before extraction.

Steps (``normalise`` runs them in this order):

1. Unicode NFC; the byte-order mark and zero-width characters go.
2. Full-width digits, Latin letters, ``％`` and the decimal point between digits become
   half-width (``１２．５％`` → ``12.5%``). Chinese punctuation (，。；：、（）) is kept, because
   the extractor splits clauses on it.
3. Pinyin annotations from web copy go: ``規(guī)劃`` → ``規劃``, ``规（guī huà）划`` → ``规划``.
   Only parentheses holding nothing but pinyin (tone marks or tone digits, spaces) right after
   a Chinese character are removed; ``（CNAS）`` or ``(R&D)`` stay.
4. Traditional → simplified Chinese through OpenCC ``t2s`` (one converter per process).
5. Whitespace: line breaks inside a sentence are joined (web copy wraps lines anywhere),
   paragraph breaks after a sentence end or before a heading stay as one ``\\n``, and spaces
   next to Chinese text go; a single space stays between two Latin words.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import warnings

__all__ = [
    "collapse_whitespace",
    "fullwidth_to_halfwidth",
    "normalise",
    "strip_pinyin",
    "to_simplified",
]

# ---------------------------------------------------------------- full width → half width

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({
    ord("％"): "%",
    ord("＋"): "+",
    ord("－"): "-",
    ord("／"): "/",
    ord("＆"): "&",
    ord("＃"): "#",
    ord("\u3000"): " ",  # ideographic space
    ord("\u00a0"): " ",
    ord("\u2002"): " ",
    ord("\u2003"): " ",
    ord("\u2009"): " ",
})
_DROP = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
_FULLWIDTH_POINT = re.compile(r"(?<=\d)．(?=\d)")


def fullwidth_to_halfwidth(text: str) -> str:
    """Full-width digits, Latin letters and % → ASCII; ``．`` between digits → ``.``."""
    text = text.translate(_DROP).translate(_FULLWIDTH)
    return _FULLWIDTH_POINT.sub(".", text)


# ---------------------------------------------------------------------------- pinyin

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = "a-zA-Zü" + _TONED + "".join(c.upper() for c in _TONED)
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PINYIN_ANNOTATION = re.compile(
    rf"(?<=[{_HAN}])\s*[(（]\s*([{_PINYIN_LETTERS}1-5'’·\- ]+?)\s*[)）](?: +(?=[{_HAN}]))?"
)
_TONE_DIGIT_SYLLABLE = re.compile(r"[a-zü]+[1-5]\b")


def _is_pinyin(inner: str) -> bool:
    letters = [c for c in inner if c.isalpha()]
    if not letters:
        return False
    # Pinyin is written in lower case (at most a capital first letter); acronyms are not.
    if sum(c.isupper() for c in letters) > 1:
        return False
    lowered = inner.lower()
    return any(c in _TONED for c in lowered) or bool(_TONE_DIGIT_SYLLABLE.search(lowered))


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations such as ``規(guī)劃`` or ``规（guī huà）划``."""

    def repl(m: re.Match[str]) -> str:
        return "" if _is_pinyin(m.group(1)) else m.group(0)

    return _PINYIN_ANNOTATION.sub(repl, text)


# ------------------------------------------------------------ traditional → simplified

_converter = None
_converter_lock = threading.Lock()
_warned_missing = False


def _get_converter():
    """The process's one OpenCC ``t2s`` converter, built on first use (or None)."""
    global _converter, _warned_missing
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                try:
                    import opencc
                except ImportError:
                    if not _warned_missing:
                        _warned_missing = True
                        warnings.warn(
                            "opencc is not installed: traditional Chinese is not converted "
                            "(install opencc>=1.4.2)",
                            RuntimeWarning,
                            stacklevel=3,
                        )
                    return None
                _converter = opencc.OpenCC("t2s")
    return _converter


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``); unchanged without opencc."""
    converter = _get_converter()
    if converter is None or not text:
        return text
    return converter.convert(text)


# ------------------------------------------------------------------------ whitespace

_CJK_CLASS = _HAN + r"\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK_CLASS}]) +| +(?=[{_CJK_CLASS}])")
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d) +(?=[%‰.])|(?<=\d\.) +(?=\d)")
_SENTENCE_END = tuple("。！？；：!?;:")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、是]"
    r"|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|\d{1,2}[.、．](?!\d)"
    r"|第[一二三四五六七八九十]{1,3}[，,、是])"
)


def _needs_space(left: str, right: str) -> bool:
    """Two Latin words broken across lines keep a space; a number broken in two does not."""
    return (left.isascii() and right.isascii() and left.isalnum() and right.isalnum()
            and not (left.isdigit() and right.isdigit()))


def _is_heading_line(line: str) -> bool:
    """A short numbered line with no clause inside (``一、企业创新能力提升行动``)."""
    return (bool(_HEADING_START.match(line)) and len(line) <= 40
            and not any(p in line for p in "，。；,;"))


def collapse_whitespace(text: str) -> str:
    """Join lines broken inside a sentence; drop spaces around Chinese text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    lines = []
    for raw in text.split("\n"):
        line = re.sub(r" {2,}", " ", raw.strip())
        line = _SPACE_NEXT_TO_CJK.sub("", line)
        line = _SPACE_BEFORE_PERCENT.sub("", line)
        lines.append(line)
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1] != "\n":
                out.append("\n")  # a paragraph break
            continue
        if not out or out[-1] == "\n":
            out.append(line)
            continue
        prev = out[-1]
        if prev.endswith(_SENTENCE_END) or _is_heading_line(prev) or _HEADING_START.match(line):
            out.append("\n")
            out.append(line)
        else:
            joiner = " " if _needs_space(prev[-1], line[0]) else ""
            out[-1] = prev + joiner + line
    return "".join(out).strip("\n")


# ------------------------------------------------------------------------- pipeline


def normalise(text: str) -> str:
    """Run every step: NFC, half width, pinyin, simplified, whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = fullwidth_to_halfwidth(text)
    text = strip_pinyin(text)
    text = to_simplified(text)
    return collapse_whitespace(text)
