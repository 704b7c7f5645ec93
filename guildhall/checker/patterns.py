"""Define the candidate patterns for every finding type.

Each :class:`PatternSpec` carries two forms of one pattern:

* ``py`` — the authoritative Python regex, with explicit boundary lookarounds.
  Both engines report exactly the matches of this regex.
* ``hs`` — a lookaround-free *anchor* for Hyperscan.  Every ``py`` match must
  contain (overlap) at least one ``hs`` match; Hyperscan only says where to look.

``allowed``/``cuts`` describe which characters can ever be part of a ``py``
match.  A position right after a character that can never be part of a match is
a safe place to start ``finditer`` in the middle of a text: no match can
straddle it, so scanning from there yields the same matches as scanning from
the beginning.  That is what lets the Hyperscan engine run the Python regex on
small windows and still produce identical findings.

All patterns run on *normalised* text (full-width digits and Latin letters
mapped to ASCII one-to-one), so they only spell ASCII digits.  Boundaries are
explicit classes rather than ``\\b``, which misbehaves next to Chinese text.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

# Horizontal whitespace, including the ideographic space used to letter-space
# Chinese headings such as "内　部".
SP = "[ \\t\\u3000\\u00a0]"

# Characters that end a sentence or line; markings never span them.
MARKING_CUTS = frozenset("\n\r。！？!?；;")

_ALNUM = frozenset(string.ascii_letters + string.digits)


@dataclass(frozen=True)
class PatternSpec:
    """Hold one candidate pattern of a finding type."""

    type: str
    key: str
    py: re.Pattern[str]
    hs: tuple[str, ...]
    allowed: frozenset[str] | None = None
    cuts: frozenset[str] | None = None
    hs_caseless: bool = False
    hs_multiline: bool = False
    value_group: str | None = None
    #: Longest possible match plus lookahead; bounds each window's search.
    max_span: int = 64
    #: Longest anchor match, when much shorter than max_span: bounds the rescan
    #: around full-width runs on the UTF-8 path, for texts beyond the BMP (only
    #: anchors must fit in it; matches are then confirmed on the whole text).
    anchor_span: int | None = None
    #: How a hit of the anchor on the Latin-1 view becomes exactly one match of
    #: ``py`` without running it (see :data:`EXACT_KINDS`); None: run ``py``
    #: in a window around the hit.
    exact: str | None = None


#: Specs whose anchor is the core followed by its trailing boundary, so that
#: Hyperscan's leftmost start for a hit is the start of the only candidate
#: ending there; the engine then checks the leading boundary in Python:
#:
#: * ``token``: the match is a whole run of ASCII letters and digits (the
#:   anchor's trailing boundary is ``_HS_E``);
#: * ``passport``: a ``token`` not preceded by a digit and a hyphen;
#: * ``chain``: the match is a whole chain of digits with single separators,
#:   not preceded by a letter, digit or digit and separator, not followed by a
#:   letter (the bank card).
EXACT_KINDS = frozenset({"token", "passport", "chain"})


def _hs(py_src: str) -> str:
    """Translate the ``\\uXXXX`` escapes of a Python pattern to Hyperscan syntax."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", r"\\x{\1}", py_src)


def _spec(
    type_: str,
    key: str,
    lb: str,
    core: str,
    la: str,
    *,
    hs: str | tuple[str, ...] | None = None,
    allowed: str | frozenset[str] | None = None,
    cuts: frozenset[str] | None = None,
    flags: int = 0,
    value_group: str | None = None,
    max_span: int = 64,
    anchor_span: int | None = None,
    hs_multiline: bool = False,
    exact: str | None = None,
) -> PatternSpec:
    """Build a spec; by default the Hyperscan anchor is the core without lookarounds."""
    anchors = (hs,) if isinstance(hs, str) else hs if hs is not None else (_hs(core),)
    return PatternSpec(
        type=type_,
        key=key,
        py=re.compile(lb + core + la, flags),
        hs=anchors,
        allowed=frozenset(allowed) if allowed is not None else None,
        cuts=cuts,
        value_group=value_group,
        max_span=max_span,
        anchor_span=anchor_span,
        hs_multiline=hs_multiline,
        exact=exact,
    )


# Digit boundaries: not inside a longer digit run or a letter+digit code.
NOT_AFTER_ALNUM = "(?<![0-9A-Za-z])"
NOT_BEFORE_ALNUM = "(?![0-9A-Za-z])"
# Not the continuation of a separated digit chain such as "6222 0200 ...".
NOT_AFTER_CHAIN = "(?<![0-9][ -])"

# Hyperscan has no lookarounds, so anchors consume the following character
# instead.  The hit then covers the match plus one character, which still
# overlaps it -- all the windowing needs -- while long digit runs no longer
# produce a hit at every offset.  (A leading boundary would help as much but
# slows Hyperscan down: nearly every character could start a match.)
_HS_E = "(?:[^0-9A-Za-z]|$)"

DIGITS = frozenset(string.digits)
_NUM_SEPARATORS = frozenset(" -")

RESIDENT_ID = _spec(
    "CN_RESIDENT_ID",
    "id",
    NOT_AFTER_ALNUM,
    "(?:[0-9]{17}[0-9Xx]|[0-9]{15})",
    NOT_BEFORE_ALNUM,
    hs="(?:[0-9]{17}[0-9Xx]|[0-9]{15})" + _HS_E,
    allowed=DIGITS | frozenset("Xx"),
    exact="token",
)

USCC = _spec(
    "CN_USCC",
    "uscc",
    NOT_AFTER_ALNUM,
    "[0-9A-HJ-NPQRTUW-Y]{2}[0-9]{6}[0-9A-HJ-NPQRTUW-Y]{10}",
    NOT_BEFORE_ALNUM,
    hs="[0-9A-HJ-NPQRTUW-Y]{2}[0-9]{6}[0-9A-HJ-NPQRTUW-Y]{10}" + _HS_E,
    allowed=_ALNUM,
    exact="token",
)

BANK_CARD = _spec(
    "BANK_CARD",
    "card",
    NOT_AFTER_ALNUM + NOT_AFTER_CHAIN,
    "[0-9](?:[ -]?[0-9]){12,18}",
    "(?![ -]?[0-9])(?![A-Za-z])",
    # A match is a whole chain of digits (single separators between them), so
    # the anchor only needs to fire where a chain ends: one hit per chain
    # instead of one per digit of every long number.
    hs="[0-9](?:[ -]?[0-9]){12,18}(?:[^0-9 -]|[ -][^0-9]|[ -]?$)",
    allowed=DIGITS | _NUM_SEPARATORS,
    exact="chain",
)

_MOBILE_PREFIX = "(?:(?:\\+|00)86[ -]?|[(（]\\+?86[)）][ -]?)?"
MOBILE = _spec(
    "CN_MOBILE",
    "mobile",
    NOT_AFTER_ALNUM + NOT_AFTER_CHAIN,
    _MOBILE_PREFIX + "1[3-9][0-9](?:[0-9]{8}|[ -][0-9]{4}[ -][0-9]{4})",
    NOT_BEFORE_ALNUM,
    hs="1[3-9][0-9](?:[0-9]{8}|[ -][0-9]{4}[ -][0-9]{4})" + _HS_E,
    allowed=DIGITS | _NUM_SEPARATORS | frozenset("+()（）"),
)

# Three-digit area codes (010, 02x) go with eight-digit local numbers; the
# four-digit ones (0[3-9]xx) with seven or eight digits.  Local numbers never
# start with 0 or 1.
_N8 = "(?:[2-9][0-9]{7}|[2-9][0-9]{3}[ -][0-9]{4})"
_N78 = "(?:[2-9][0-9]{6,7}|[2-9][0-9]{2,3}[ -][0-9]{4})"
_A3, _A4 = "0(?:10|2[0-9])", "0[3-9][0-9]{2}"
_CC = "(?:\\+|00)86[ -]?"
_LANDLINE_CORE = (
    "(?:"
    f"[(（]{_A3}[)）][ -]?{_N8}|[(（]{_A4}[)）][ -]?{_N78}"
    f"|{_A3}[ -]?{_N8}|{_A4}[ -]?{_N78}"
    f"|{_CC}(?:10|2[0-9])[ -]?{_N8}|{_CC}[3-9][0-9]{{2}}[ -]?{_N78}"
    ")"
)
_AREA = "(?:10|2[0-9]|[3-9][0-9]{2})"
_LOCAL = "[ -]?[2-9][0-9]{2,3}[ -]?[0-9]{4}"
# What may follow the number itself: a boundary (NOT_BEFORE_ALNUM), or the
# start of an extension (转, 分机, -, spaces, or "ext" right after the digits).
# Consuming it keeps long digit runs (ID and order numbers) from producing a
# hit at every inner 0.
_LANDLINE_E = "(?:[^0-9A-Za-z]|[Ee][Xx][Tt]|$)"
# Two expressions: Hyperscan scans them faster than their alternation.
_LANDLINE_ANCHORS = (
    f"0{_AREA}[)）]?{_LOCAL}{_LANDLINE_E}",
    f"86[ -]?{_AREA}{_LOCAL}{_LANDLINE_E}",
)
_LANDLINE_EXT = "(?:[ ]{0,3}(?:转|分机|[Ee][Xx][Tt]\\.?)[ ]{0,3}[0-9]{1,6}|-[0-9]{1,6})?"
LANDLINE = _spec(
    "CN_LANDLINE",
    "landline",
    NOT_AFTER_ALNUM + NOT_AFTER_CHAIN,
    _LANDLINE_CORE + _LANDLINE_EXT,
    NOT_BEFORE_ALNUM,
    # Every form contains an area code (after its 0 or +86/0086), an optional
    # closing bracket and separator, and a local number: these looser anchors
    # are far cheaper for Hyperscan than the six exact alternatives.
    hs=tuple(_hs(a) for a in _LANDLINE_ANCHORS),
    allowed=DIGITS | _NUM_SEPARATORS | frozenset("+()（）转分机extEXT."),
)

PASSPORT = _spec(
    "PASSPORT",
    "passport",
    NOT_AFTER_ALNUM + "(?<![0-9]-)",
    "(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|[HM][0-9]{8}(?:[0-9]{2})?"
    "|C[0-9A-Z][0-9]{7}|[A-Z]{1,2}[0-9]{7,8}|[0-9]{8})",
    NOT_BEFORE_ALNUM,
    # The same language as the core: every alternative of it is one of these.
    hs="(?:[A-Z]{1,2}[0-9]{7,8}|[HM][0-9]{10}|C[0-9A-Z][0-9]{7}|[0-9]{8})" + _HS_E,
    allowed=_ALNUM,
    exact="passport",
)

_LOCAL_CHARS = "A-Za-z0-9._%+\\-"
EMAIL = _spec(
    "EMAIL",
    "email",
    f"(?<![{_LOCAL_CHARS}])",
    f"[A-Za-z0-9][{_LOCAL_CHARS}]{{0,63}}@"
    "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){1,6}[A-Za-z]{2,24}",
    "(?![A-Za-z0-9-])",
    hs="@[A-Za-z0-9-]+\\.[A-Za-z0-9]",
    allowed=_ALNUM | frozenset("._%+-@"),
    max_span=64 + 6 * 64 + 24 + 2,
)

# --- Confidential markings ---------------------------------------------------

_LEVEL = "(?:绝密|机密|秘密)"
# 保密期限: Arabic or Chinese numerals with 年/个月, 长期, or an exam paper's 启用前.
_PERIOD = (
    f"(?:{SP}{{0,3}}(?:(?:[0-9]{{1,2}}|[一二三四五六七八九十]{{1,3}}){SP}{{0,3}}(?:年|个月|月)"
    "|长期|启用前|考试结束前))?"
)
_OPEN, _CLOSE = "[【\\[（(〔]", "[】\\]）)〕]"
# A standalone line: nothing but optional brackets and spaces around the mark.
_LINE_START = "(?<![^\\n])" + SP + "{0,20}"
_LINE_END = SP + "{0,20}(?=\\r?\\n|\\r?\\Z)"
# 紧急程度 may share the line of the 密级 (GB/T 9704-2012 7.2.3).
_URGENCY = f"(?:{SP}{{1,6}}(?:特急|加急|特提|平急))?"


def _spaced(word: str) -> str:
    """Allow letter-spacing between the characters of a Chinese word."""
    return (SP + "{0,3}").join(word)


MARK_STAR = _spec(
    "CONFIDENTIAL_MARKING",
    "classification_star",
    "",
    f"{_LEVEL}{SP}{{0,3}}★{_PERIOD}",
    "",
    # "秘密"/"机密" are common words; the star alone is rare and in every match.
    hs="★",
    cuts=MARKING_CUTS,
    max_span=40,
)

MARK_LEVEL = _spec(
    "CONFIDENTIAL_MARKING",
    "classification_level",
    "",
    f"密级{SP}{{0,3}}[:：]{SP}{{0,3}}(?:{_LEVEL}(?:{SP}{{0,3}}★{_PERIOD})?|内部|核心商密|普通商密)",
    "",
    hs="密级",
    cuts=MARKING_CUTS,
    max_span=60,
)

MARK_LEVEL_LINE = _spec(
    "CONFIDENTIAL_MARKING",
    "classification_line",
    _LINE_START,
    f"(?P<v>{_OPEN}?{SP}{{0,3}}(?:绝|机|秘){SP}{{0,3}}密{SP}{{0,3}}{_CLOSE}?)",
    _URGENCY + _LINE_END,
    # Hyperscan's multi-line ^/$ express the standalone-line rule directly, so
    # "秘密"/"机密" inside ordinary sentences never reach Python.
    hs=_hs(
        f"^{SP}{{0,20}}{_OPEN}?{SP}{{0,3}}(?:绝|机|秘){SP}{{0,3}}密{SP}{{0,3}}{_CLOSE}?"
        f"{_URGENCY}{SP}{{0,20}}\\r?$"
    ),
    hs_multiline=True,
    cuts=MARKING_CUTS,
    value_group="v",
    max_span=80,
)

_INTERNAL_KINDS = "|".join(
    _spaced(w) for w in ("资料", "文件", "刊物", "使用", "参考", "材料", "发行", "读物")
)
# What the cover of an internal paper adds to the mark itself: 内部资料，免费交流
# (《内部资料性出版物管理规定》第十四条) or a keeping instruction.  Part of the mark.
_INTERNAL_TAIL = (
    f"(?:{SP}{{0,3}}[，,、]?{SP}{{0,3}}"
    "(?:免费交流|注意保存|注意保管|注意保密|妥善保管|请勿外传|严禁外传|不得外传))?"
)
_INTERNAL_HEAD = (
    f"{_OPEN}?{SP}{{0,3}}内{SP}{{0,3}}部(?:{SP}{{0,3}}(?:{_INTERNAL_KINDS}))?"
    f"{_INTERNAL_TAIL}{SP}{{0,3}}{_CLOSE}?"
)
MARK_INTERNAL_LINE = _spec(
    "CONFIDENTIAL_MARKING",
    "internal_line",
    _LINE_START,
    f"(?P<v>{_INTERNAL_HEAD})",
    _LINE_END,
    hs=_hs(f"^{SP}{{0,20}}{_INTERNAL_HEAD}{SP}{{0,20}}\\r?$"),
    hs_multiline=True,
    cuts=MARKING_CUTS,
    value_group="v",
    max_span=120,
)

_INTERNAL_USE = (
    f"(?:仅限|仅供|只限|只供){SP}{{0,3}}(?:单位|公司|协会|商会|本会|会员|会员单位|本单位|系统)?"
    f"{SP}{{0,3}}内部{SP}{{0,3}}(?:使用|参考|传阅|交流|阅读|学习)"
)
MARK_INTERNAL_INLINE = _spec(
    "CONFIDENTIAL_MARKING",
    "internal_inline",
    "",
    _INTERNAL_USE,
    "",
    hs="(?:仅限|仅供|只限|只供)",
    cuts=MARKING_CUTS,
    max_span=40,
)

# --- Distribution notices ---------------------------------------------------
#
# A notice is one or more restricting phrases in one sentence ("此件不得外传，
# 严禁复制，阅后收回").  It is matched whole, from its first phrase to its last,
# so that it is reported once.  Sentences end at 。！？ and line breaks; a
# bracket also ends a notice (the 附注 "（此件不得外传）" is reported without
# its brackets).

# Characters that never occur inside a notice (the semicolon may: "不得外传；严禁复制").
NOTICE_CUTS = frozenset("\n\r。！？!?")
# Nor does it reach across digits, letters or "@": a phone number or an e-mail
# address between two phrases is a finding of its own, not part of the notice.
_NGAP = "[^\\n\\r。！？!?（）()【】\\[\\]〔〕0-9A-Za-z@]"
_RESTRICT_CORE = "(?:严禁|不得|禁止|请勿|切勿|不准|不许|不要|不可|不能)"
_RESTRICT = (
    f"(?:(?:一律|均|绝对|严格|任何人)?{_RESTRICT_CORE}"
    f"|未经{_NGAP}{{0,12}}?(?:批准|许可|同意|授权|允许)[，,]?{SP}{{0,3}}"
    f"(?:任何(?:单位|个人|人){_NGAP}{{0,6}}?)?(?:一律|均)?{_RESTRICT_CORE})"
)
_MANNER = (
    f"(?:擅自|私自|随意|随便|任意|以任何(?:形式|方式)|向外|向他人|"
    f"(?:将|把)(?:本|此|该)?(?:文件|件|文|材料|资料|内容|刊)(?:内容)?)?{SP}{{0,2}}"
)
_CHANNEL_WORD = "(?:互联网|因特网|网络|网上|微信|QQ|微博|手机|电子邮件|邮箱|公众号|网盘|短信|朋友圈)"
_CHANNEL = (
    f"(?:(?:通过|在|利用|使用|经|借助|用){_NGAP}{{0,10}}?)?{_CHANNEL_WORD}{_NGAP}{{0,10}}?"
    "(?:传播|传送|发布|转发|传递|上传|存储|处理|发送|传输)"
)
_VERB_WORDS = (
    "外传|外泄|外借|外带|外发|带出|对外(?:提供|发布|公开|泄露|传播|转发|透露|引用|宣传)"
    "|翻印|复印|复制|转载|转发|转印|扩散|摘抄|摘录|抄录|翻拍|拍照|截屏|截图|上网|公开|泄露"
)
_VERB = f"(?:{_VERB_WORDS}|{_CHANNEL})"
# A restricting verb stands at the end of its clause, before another verb, or
# before the document it protects: "不得对外提供担保" is a rule, not a notice.
_FOLLOW = (
    f"(?={SP}{{0,3}}(?:[，,。；;！!？?、：:\\n\\r)）\\]】〕」”\"]|$"
    "|(?:本|此|该|其)?(?:文件|件|文|材料|资料|刊物|内容|报告|通知|纪要)|给|他人|或|和|及|等))"
)
_VERB_LIST = f"{_VERB}(?:{SP}{{0,2}}[、和或及与/]{SP}{{0,2}}{_RESTRICT}?{_VERB}){{0,3}}"
_STANDALONE = (
    "(?:注意保密|注意保存|注意保管|妥善保管|妥善保存|严格保密"
    "|(?:阅后|用后|会后|用毕|阅毕|看后)请?(?:即|立即)?(?:收回|退回|交回|销毁|归还|上交))"
)
_PHRASE = f"(?:{_RESTRICT}{_MANNER}{_VERB_LIST}|{_STANDALONE}){_FOLLOW}"
_NOTICE = (
    f"(?:{_INTERNAL_USE}{_NGAP}{{0,16}}?)?{_PHRASE}"
    f"(?:{_NGAP}{{0,16}}?(?:{_PHRASE}|{_INTERNAL_USE}))*"
)
MARK_DISTRIBUTION = _spec(
    "CONFIDENTIAL_MARKING",
    "distribution",
    "",
    # At most six phrases, so a notice stays within max_span.
    _NOTICE.replace(")*", "){0,5}"),
    "",
    # Every phrase contains a restricting word right before its verb, channel or
    # manner, or a standalone instruction: rare enough as anchors.
    hs=(
        _hs(
            f"{_RESTRICT_CORE}(?:擅自|私自|随意|随便|任意)?"
            f"(?:{_VERB_WORDS}|{_CHANNEL_WORD}|通过|在|利用|使用|经|借助|用|将|把|以|向)"
        ),
        _hs(_STANDALONE),
    ),
    cuts=NOTICE_CUTS,
    max_span=1800,
    # The anchors are a restricting word and a verb, or one instruction: short.
    anchor_span=64,
)

BUILTIN_SPECS: tuple[PatternSpec, ...] = (
    RESIDENT_ID,
    USCC,
    BANK_CARD,
    MOBILE,
    LANDLINE,
    PASSPORT,
    EMAIL,
    MARK_STAR,
    MARK_LEVEL,
    MARK_LEVEL_LINE,
    MARK_INTERNAL_LINE,
    MARK_INTERNAL_INLINE,
    MARK_DISTRIBUTION,
)

#: No pattern's lookahead reads more than this many characters past the end of
#: its match (NOT_BEFORE_ALNUM reads one, the bank card's ``[ -]?[0-9]`` two).
#: The engine relies on it to end each window's search early.  Markings (the
#: specs with ``cuts``) are exempt: their windows are bounded by ``max_span``.
MAX_LOOKAHEAD = 2

#: No marking's lookahead reads more than this many characters past the first
#: cut character after its match (``_FOLLOW`` reads spaces and a short word).
MARK_LOOKAHEAD = 8

#: Longest custom term accepted; keeps every match well inside a chunk overlap.
MAX_TERM_LENGTH = 200
#: Upper bound on the length of any match plus the lookahead it needs.  All
#: repetitions above are bounded so this holds; the engine and the chunking
#: rely on it.
MAX_MATCH_SPAN = 1800


def _hs_literal(term: str) -> str:
    """Escape a literal for Hyperscan: keep ASCII letters/digits, code-point the rest."""
    return "".join(ch if ch in _ALNUM else f"\\x{{{ord(ch):x}}}" for ch in term)


def terms_spec(terms: tuple[str, ...]) -> PatternSpec | None:
    """Build the CUSTOM_TERM spec for an organisation's (already normalised) terms."""
    if not terms:
        return None
    alternatives = []
    for term in sorted(terms, key=lambda t: (-len(t), t)):
        # Latin edges need word boundaries ("ACME" must not hit "ACMEX"); Chinese
        # edges do not, since Chinese has no spaces between words.
        lb = NOT_AFTER_ALNUM if term[0] in _ALNUM else ""
        la = NOT_BEFORE_ALNUM if term[-1] in _ALNUM else ""
        alternatives.append(lb + re.escape(term) + la)
    allowed = set()
    for term in terms:
        allowed.update(term.lower())
        allowed.update(term.upper())
    return PatternSpec(
        type="CUSTOM_TERM",
        key="term",
        # ASCII-only case folding: "Latin case-insensitive", and it keeps Python
        # and Hyperscan (which folds ASCII only) in agreement.
        py=re.compile("(?:" + "|".join(alternatives) + ")", re.IGNORECASE | re.ASCII),
        hs=tuple(_hs_literal(t) for t in terms),
        allowed=frozenset(allowed),
        hs_caseless=True,
        max_span=MAX_TERM_LENGTH + 2,
    )
