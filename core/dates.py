"""Dates as reports print them: ``2022年1月13日``, ``2023-01-17``, ``二〇二二年一月十三日``."""

from __future__ import annotations

import datetime as dt
import re

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "0": 0, "０": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零ＯO0０一二三四五六七八九十"
DATE = re.compile(r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})")
CN_DATE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*日")
#: A whole date as a signature prints it: ``2023年2月14日``, ``2023-02-14``, ``2023/02/14``, ``2023.02.14``,
#: ``二〇二三年二月十四日`` (with 〇, ○, 零 or 0 for zero), spaces allowed anywhere inside.
_WHOLE_DATE = (rf"(?:\d{{4}}\s*(?:年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|([-/.])\s*\d{{1,2}}\s*\1\s*\d{{1,2}}(?!\d))"
               rf"|[{_CN}]{{4}}\s*年\s*[{_CN}]{{1,3}}\s*月\s*[{_CN}]{{1,3}}\s*日)")
#: A line that is a date and nothing else: a signature date.
DATE_LINE = re.compile(rf"^\s*{_WHOLE_DATE}\s*$")
#: A whole date ending a line (a signature glued to the end of a crawler's one-line body).
DATE_AT_END = re.compile(rf"{_WHOLE_DATE}\s*$")


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGITS[ch]
    return value


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first valid date in ``text`` as ``YYYY-MM-DD``, or ``None``."""
    for match in DATE.finditer(text):
        found = _iso(*(int(g) for g in match.groups()))
        if found:
            return found
    for match in CN_DATE.finditer(text):
        found = _iso(*(_cn_number(g) for g in match.groups()))
        if found:
            return found
    return None


def is_date_line(text: str) -> bool:
    """Whether a line holds a date and nothing else (as under a signature)."""
    return bool(DATE_LINE.match(text))


#: The most characters a whole date prints besides spaces (``二〇二二年十二月三十一日``: 4 + 1 + 3 + 1 + 3 + 1).
WHOLE_DATE_MAX_CHARS = 13
#: How far before a text's end :func:`date_at_end` starts looking.
_DATE_WINDOW = 64


def date_at_end(text: str) -> int | None:
    """Where a whole date that ends ``text`` starts (``…管理委员会 2022年1月20日``), or ``None``.

    Searched from the last ``_DATE_WINDOW`` characters only (a crawler's report is one line of thousands, and a
    search anchored at the end still tries every start): no date can start before them unless they hold at most
    ``WHOLE_DATE_MAX_CHARS`` characters that are not spaces (a date spread over spaces), and then the whole text
    is searched.
    """
    start = max(0, len(text.rstrip()) - _DATE_WINDOW)
    if start and len("".join(text[start:].split())) <= WHOLE_DATE_MAX_CHARS:
        start = 0
    found = DATE_AT_END.search(text, start)
    return None if found is None else found.start()


#: A year in Chinese numerals: ``二〇二二`` (each digit one character).
CN_YEAR = re.compile(r"([一二][〇○零Ｏ0０一二三四五六七八九]{3})")


def cn_year(text: str) -> int:
    """``二〇二二`` → 2022 (a :data:`CN_YEAR` match)."""
    return _cn_number(text)
