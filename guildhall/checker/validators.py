"""Validate candidate values: check digits, dates, prefixes, and masking.

Everything here is pure and cheap so the Django side can reuse it in forms.
"""

from __future__ import annotations

import datetime as _dt
import re
from operator import mul

# Full-width digits/letters map one-to-one onto ASCII, so normalising a value
# never changes its length and offsets stay valid.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


def normalize(value: str) -> str:
    """Map full-width ASCII variants (０-９, Ａ-Ｚ, ＋, －, ideographic space) to ASCII."""
    return value.translate(_FULLWIDTH)


def digits_only(value: str) -> str:
    """Return the ASCII digits (and a trailing X) of ``value`` without separators."""
    return "".join(ch for ch in normalize(value) if ch.isascii() and (ch.isdigit() or ch in "Xx"))


# --- Resident identity card (GB 11643-1999) -------------------------------

PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in (11, 12, 13, 14, 15, 21, 22, 23)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82", "83", "91"]
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_WEIGHT_SUM = sum(_ID_WEIGHTS)
_MIN_BIRTH_DATE = _dt.date(1900, 1, 1)


def resident_id_check_char(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for 17 digits."""
    if len(first17) == 17 and first17.isascii() and first17.isdigit():
        # Byte values are digit + 48; the weights sum to _ID_WEIGHT_SUM.
        total = sum(map(mul, first17.encode(), _ID_WEIGHTS)) - 48 * _ID_WEIGHT_SUM
    else:
        total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _real_date(year: int, month: int, day: int) -> bool:
    """Tell whether the date exists and lies between 1900-01-01 and today."""
    try:
        d = _dt.date(year, month, day)
    except ValueError:
        return False
    return _MIN_BIRTH_DATE <= d <= _dt.date.today()


def validate_resident_id(value: str) -> str | None:
    """Return None when ``value`` is a valid resident ID number, else say why.

    Accepts 18-character numbers (check character X in either case) and the
    15-digit legacy form whose birth date is read as 19YYMMDD.
    """
    v = normalize(value).strip()
    if len(v) == 18:
        if not v[:17].isdigit() or not v[:17].isascii():
            return "the first 17 characters must be digits"
        if v[17] not in "0123456789Xx":
            return "the last character must be a digit or X"
        if v[:2] not in PROVINCE_CODES:
            return f"'{v[:2]}' is not a province code"
        if not _real_date(int(v[6:10]), int(v[10:12]), int(v[12:14])):
            return f"'{v[6:14]}' is not a valid birth date"
        expected = resident_id_check_char(v[:17])
        if v[17].upper() != expected:
            return f"check character is '{v[17]}', expected '{expected}'"
        return None
    if len(v) == 15:
        if not (v.isdigit() and v.isascii()):
            return "a 15-digit ID must contain only digits"
        if v[:2] not in PROVINCE_CODES:
            return f"'{v[:2]}' is not a province code"
        if not _real_date(1900 + int(v[6:8]), int(v[8:10]), int(v[10:12])):
            return f"'19{v[6:12]}' is not a valid birth date"
        return None
    return "a resident ID has 18 characters (or 15 digits for the old format)"


# --- Unified social credit code (GB 32100-2015) ---------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_INDEX = {c: i for i, c in enumerate(USCC_CHARSET)}
_USCC_CHARS = frozenset(USCC_CHARSET)
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(code17: str) -> str:
    """Return the check character for the first 17 characters of a USCC.

    Raise ValueError if ``code17`` is not 17 characters of the GB 32100 charset.
    """
    c = normalize(code17).upper()
    if len(c) != 17 or not _USCC_CHARS.issuperset(c):
        raise ValueError("expected 17 characters from 0-9 and A-H J-N P-R T-U W-Y")
    return _uscc_check(c)


def _uscc_check(c: str) -> str:
    """Return the check character for 17 characters already known to be valid."""
    total = sum(map(mul, map(_USCC_INDEX.__getitem__, c), _USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str | None:
    """Return None when ``code`` is a valid unified social credit code, else say why."""
    c = normalize(code).strip().upper()
    if len(c) != 18:
        return f"a unified social credit code has 18 characters, not {len(c)}"
    if not _USCC_CHARS.issuperset(c):
        for pos, ch in enumerate(c, start=1):
            if ch not in _USCC_INDEX:
                return f"character {pos} '{ch}' is not allowed (I, O, S, V and Z are never used)"
    if not c[2:8].isdigit():
        return "characters 3-8 must be a six-digit administrative division code"
    expected = _uscc_check(c[:17])
    if c[17] != expected:
        return f"check character is '{c[17]}', expected '{expected}'"
    return None


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_valid(code9: str) -> bool:
    """Check the GB 11714 organization code embedded in a USCC (characters 9-17)."""
    if len(code9) != 9:
        return False
    total = 0
    for ch, w in zip(code9[:8], _ORG_WEIGHTS, strict=True):
        if ch.isdigit():
            total += int(ch) * w
        elif "A" <= ch <= "Z":
            total += (ord(ch) - 55) * w
        else:
            return False
    check = 11 - total % 11
    expected = "X" if check == 10 else "0" if check == 11 else str(check)
    return code9[8] == expected


# --- Bank cards --------------------------------------------------------------


# Luhn doubling: digit d becomes the digit sum of 2 * d.
_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """Run the Luhn (mod 10) check over a string of ASCII digits."""
    if digits.isascii() and digits.isdigit():
        # Same sum, computed in C: the byte values minus 48 per digit.
        odd = digits[-1::-2]
        even = digits[-2::-2].translate(_LUHN_DOUBLE)
        return (sum(odd.encode()) + sum(even.encode()) - 48 * len(digits)) % 10 == 0
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """Name the card network for a prefix/length pair, or None if unknown."""
    n = len(digits)
    if digits.startswith("62") and 16 <= n <= 19:
        return "UnionPay"
    if digits[0] == "4" and n in (13, 16, 19):
        return "Visa"
    p2, p4 = int(digits[:2]), int(digits[:4])
    if n == 16 and (51 <= p2 <= 55 or 2221 <= p4 <= 2720):
        return "Mastercard"
    if n == 15 and p2 in (34, 37):
        return "American Express"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "JCB"
    return None


# --- Masking -----------------------------------------------------------------


def _mask_run(chars: list[str], positions: list[int]) -> None:
    """Star the middle of ``positions`` in place, keeping about half visible."""
    k = len(positions)
    if k == 0:
        return
    show = min(8, k // 2)
    head = (show + 1) // 2
    tail = show - head
    if k <= 3:
        head, tail = 1 if k > 1 else 0, 0
    for p in positions[head : k - tail]:
        chars[p] = "*"


_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_STAR_ASCII = str.maketrans({ch: "*" for ch in _ASCII_ALNUM})
_DROP_ASCII_ALNUM = str.maketrans({ch: None for ch in _ASCII_ALNUM})


def _mask_ascii(value: str) -> str:
    """Do _mask_run over the letters and digits of an ASCII ``value``, in C where possible."""
    k = len(value) - len(value.translate(_DROP_ASCII_ALNUM))
    if k == 0:
        return value
    show = min(8, k // 2)
    head = (show + 1) // 2
    tail = show - head
    if k <= 3:
        head, tail = 1 if k > 1 else 0, 0
    # The head-th letter or digit ends the visible start, the tail-th from the
    # right begins the visible end; those in between become stars.
    i = seen = 0
    while seen < head:
        seen += value[i] in _ASCII_ALNUM
        i += 1
    j, seen = len(value), 0
    while seen < tail:
        j -= 1
        seen += value[j] in _ASCII_ALNUM
    return value[:i] + value[i:j].translate(_STAR_ASCII) + value[j:]


_COUNTRY_CODE = re.compile(r"[(（]?(?:\+|＋|00|００)(?:86|８６)[)）]?[ -]?")
_CC_FIRST = frozenset("(（+＋0０")


def mask(value: str, type_: str | None = None) -> str:
    """Return ``value`` with its middle replaced by ``*``.

    Separators stay in place so the shape remains recognisable, e.g.
    ``3201**********123X`` or ``138 **** *678``.  Markings and custom terms are
    not personal data and are returned unchanged.
    """
    if type_ in ("CONFIDENTIAL_MARKING", "CUSTOM_TERM"):
        return value
    # The country-code pattern can only match from one of these characters.
    prefix = _COUNTRY_CODE.match(value) if value[:1] in _CC_FIRST else None
    if prefix:
        # Keep "+86 " readable; only the subscriber number is personal.
        return value[: prefix.end()] + mask(value[prefix.end() :], type_)
    if value.isalnum():
        # Common case (no separators, no "@"): every character is in the run.
        k = len(value)
        show = min(8, k // 2)
        head = (show + 1) // 2
        tail = show - head
        if k <= 3:
            head, tail = 1 if k > 1 else 0, 0
        return value[:head] + "*" * (k - tail - head) + value[k - tail :]
    at = value.rfind("@")
    if value.isascii():
        return _mask_ascii(value[:at]) + value[at:] if at > 0 else _mask_ascii(value)
    chars = list(value)
    if at > 0:
        # Mask only the local part of an e-mail address; the domain is useful
        # context and rarely personal.
        _mask_run(chars, [i for i in range(at) if value[i].isalnum()])
        return "".join(chars)
    _mask_run(chars, [i for i, ch in enumerate(value) if ch.isalnum()])
    return "".join(chars)
