"""Numbers and dates as official documents write them (GB/T 9704-2012)."""

from __future__ import annotations

import datetime as dt

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Return 1..99 in Chinese numerals: 一, 十, 十一, 二十三."""
    if not 0 < n < 100:
        raise ValueError("only 1..99 are written as headings")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def document_number(year: int, number: int, prefix: str = "") -> str:
    """Return a 发文字号: 〔2026〕5号 (hexagonal brackets, no 第, no zero padding)."""
    if number < 1:
        raise ValueError("document numbers start at 1")
    return f"{prefix}〔{year}〕{number}号"


def document_date(day: dt.date) -> str:
    """Return a date the way a document writes it: 2026年12月1日 (no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"
