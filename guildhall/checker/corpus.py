"""Generate seeded, labelled test text for accuracy checks and benchmarks.

The corpus mixes prose with valid entities of every type (in the shapes people
write them: separators, full-width digits, +86 prefixes, touching Chinese
characters) and with decoys that must *not* be reported: wrong check digits,
impossible dates, order numbers, amounts and the everyday uses of 秘密/内部/机密.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from .validators import (
    PROVINCE_CODES,
    USCC_CHARSET,
    card_brand,
    luhn_valid,
    resident_id_check_char,
    uscc_check_char,
    validate_resident_id,
    validate_uscc,
)

_PROVINCES = sorted(PROVINCE_CODES)
_FW = str.maketrans("0123456789", "０１２３４５６７８９")

PROSE = (
    "协会秘书处于本月召开了理事会会议，",
    "会议审议了年度工作报告和财务预算方案。",
    "各会员单位要认真学习有关文件精神，",
    "进一步加强行业自律和诚信体系建设。",
    "本次活动共有一百二十家企业参加，",
    "2023年全行业产值同比增长百分之八，",
    "会费收入合计1,234,567.89元，支出856,000元。",
    "请各单位于2024年3月15日前报送材料。",
    "商会将组织会员企业赴外地考察学习。",
    "成功的秘密在于坚持不懈的努力。",
    "企业应当健全内部控制制度，完善内部管理。",
    "信息系统的机密性、完整性和可用性同样重要。",
    "依法保护商业秘密、国家秘密和个人信息。",
    "保守国家秘密是每一个公民的义务。",
    "协会内部设有秘书处、财务部和会员服务部。",
    "会员不得拖欠会费，不得损害协会声誉。",
    "The annual meeting approved the budget for 2024. ",
    "Members discussed supply chain issues and export rules. ",
    "订单号：20231125000123，金额：3,280.00元。",
    "会议时间为上午9:30至11:45，地点在三楼会议室。",
    "合同编号HT-2023-0456已归档。",
    "第3.2条规定，理事任期为五年，可以连选连任。",
)

# Decoys: text that looks like an entity but is not one.
def _decoys(rng: random.Random) -> list[str]:
    bad_id = _id18(rng)
    wrong = "0123456789X".replace(bad_id[-1].upper(), "")
    bad_id = bad_id[:17] + rng.choice(wrong)
    bad_date = rng.choice(_PROVINCES) + "0102" + "1990" + "13" + "45" + "123"
    bad_date += resident_id_check_char(bad_date[:17])
    order19 = "2023" + "".join(rng.choice("0123456789") for _ in range(15))
    bad_card = _card(rng, "62", 19)
    bad_card = bad_card[:-1] + str((int(bad_card[-1]) + 1) % 10)
    bad_uscc = _uscc(rng)
    bad_uscc = bad_uscc[:17] + rng.choice(USCC_CHARSET.replace(bad_uscc[-1], ""))
    return [
        f"身份证号{bad_id}有误，",
        f"身份证号{bad_date}日期不对，",
        f"订单号{order19}已发货。",
        f"银行卡号{bad_card}校验失败。",
        f"信用代码{bad_uscc}需核对。",
        f"产品型号E{rng.randint(10**7, 10**8 - 1)}已停产。",
        f"流水号SN{_id18(rng)}不是证件。",
        f"编码{rng.randint(10**19, 10**20 - 1)}{_id18(rng)}号",
        f"金额{rng.randint(1000, 99999)},{rng.randint(100, 999)}.{rng.randint(10, 99)}元",
        f"订单号{rng.choice('3456789')}{rng.randint(10**9, 10**10 - 1)}处理中。",
        f"电话号码12{rng.randint(10**8, 10**9 - 1)}为空号？",
        "联系邮箱 user@localhost 无效，",
        f"日期{rng.randint(2000, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}。",
    ]


@dataclass
class Sample:
    """Hold one generated document and the findings it must produce."""

    text: str
    expected: list[tuple[str, int, int]] = field(default_factory=list)
    terms: tuple[str, ...] = ()


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _id18(rng: random.Random) -> str:
    while True:
        y, m, d = rng.randint(1930, 2015), rng.randint(1, 12), rng.randint(1, 28)
        body = rng.choice(_PROVINCES) + _digits(rng, 4) + f"{y:04d}{m:02d}{d:02d}" + _digits(rng, 3)
        value = body + resident_id_check_char(body)
        if validate_resident_id(value) is None:
            return value


def _id15(rng: random.Random) -> str:
    y, m, d = rng.randint(30, 99), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(_PROVINCES) + _digits(rng, 4) + f"{y:02d}{m:02d}{d:02d}" + _digits(rng, 3)


def _card(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


def _org_code(rng: random.Random) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    alphabet = "0123456789" if rng.random() < 0.5 else "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "".join(rng.choice(alphabet) for _ in range(8))
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _uscc(rng: random.Random) -> str:
    while True:
        first = rng.choice("95") + rng.choice("123")
        body = first + rng.choice(_PROVINCES) + _digits(rng, 4) + _org_code(rng)
        code = body + uscc_check_char(body)
        if validate_uscc(code) is None and validate_resident_id(code) is not None:
            return code


def _group(digits: str, sep: str, sizes: tuple[int, ...] | None = None) -> str:
    if sizes is None:
        sizes = tuple([4] * (len(digits) // 4) + ([len(digits) % 4] if len(digits) % 4 else []))
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    return sep.join(out)


def _maybe_fw(rng: random.Random, value: str) -> str:
    return value.translate(_FW) if rng.random() < 0.15 else value


# Each generator returns (prefix, entity, suffix) so the entity's span is known.
Gen = Callable[[random.Random], tuple[str, str, str]]


def _g_id(rng: random.Random) -> tuple[str, str, str]:
    value = _id18(rng) if rng.random() < 0.85 else _id15(rng)
    if value.endswith("X") and rng.random() < 0.3:
        value = value[:-1] + "x"
    return rng.choice(("身份证号", "身份证号码：", "证件号 ", "ID: ")), _maybe_fw(rng, value), "，"


def _g_mobile(rng: random.Random) -> tuple[str, str, str]:
    n = "1" + rng.choice("3456789") + _digits(rng, 9)
    style = rng.randrange(6)
    value = [n, f"{n[:3]} {n[3:7]} {n[7:]}", f"{n[:3]}-{n[3:7]}-{n[7:]}", f"+86 {n}",
             f"0086-{n}", f"+86 {n[:3]} {n[3:7]} {n[7:]}"][style]
    return rng.choice(("手机", "联系电话：", "电话 ", "Tel: ")), _maybe_fw(rng, value), "。"


def _g_landline(rng: random.Random) -> tuple[str, str, str]:
    area = rng.choice(("010", "021", "025", "027", "0571", "0755", "0531", "0851"))
    local = str(rng.randint(2, 9)) + _digits(rng, 7 if len(area) == 3 or rng.random() < 0.7 else 6)
    style = rng.randrange(5)
    value = [f"{area}-{local}", f"({area}){local}", f"（{area}）{local}",
             f"{area}-{local[:-4]} {local[-4:]}", f"{area} {local}"][style]
    if rng.random() < 0.3:
        value += rng.choice(("转", "-", " ext ")) + _digits(rng, rng.randint(2, 4))
    return rng.choice(("办公电话", "座机：", "传真 ")), value, "，"


def _g_card(rng: random.Random) -> tuple[str, str, str]:
    kind = rng.randrange(5)
    if kind == 0:
        digits = _card(rng, "62" + _digits(rng, 2), rng.choice((16, 19)))
    elif kind == 1:
        digits = _card(rng, "4" + _digits(rng, 3), 16)
    elif kind == 2:
        digits = _card(rng, str(rng.randint(51, 55)), 16)
    elif kind == 3:
        digits = _card(rng, rng.choice(("34", "37")), 15)
    else:  # unknown prefix: needs a context word
        digits = _card(rng, "9" + _digits(rng, 3), 19)
    if len(digits) == 18 and validate_resident_id(digits) is None:
        return _g_card(rng)
    if len(digits) == 15 and validate_resident_id(digits) is None:
        return _g_card(rng)
    sep = rng.choice(("", " ", "-"))
    if sep and len(digits) == 15:
        value = _group(digits, sep, (4, 6, 5))
    else:
        value = _group(digits, sep) if sep else digits
    prefix = rng.choice(("卡号", "银行卡号：", "开户行账号 ", "account ")) if (
        kind == 4 or rng.random() < 0.6
    ) else "付款"
    assert kind == 4 or card_brand(digits)
    return prefix, value, "。"


def _g_uscc(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(("统一社会信用代码", "信用代码：", "")), _uscc(rng), "，"


def _g_passport(rng: random.Random) -> tuple[str, str, str]:
    kind = rng.randrange(5)
    if kind == 0:
        return "护照号码：", rng.choice("EG") + _digits(rng, 8), "，"
    if kind == 1:
        return "护照 ", "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + _digits(rng, 7), "，"
    if kind == 2:
        return "港澳居民来往内地通行证", rng.choice("HM") + _digits(rng, 8), "，"
    if kind == 3:
        while True:
            n = _digits(rng, 8)
            if not (1900 <= int(n[:4]) <= 2099):
                return "台胞证号码", n, "，"
    return "passport no. ", rng.choice("KPX") + _digits(rng, 8), "."


def _g_email(rng: random.Random) -> tuple[str, str, str]:
    names = ("zhang.san", "li_si", "wangwu88", "info", "hr-dept", "a.b+news", "chen2023")
    domains = ("example.com", "163.com", "qq.com", "sub.example.org.cn", "guild-hall.cn")
    return rng.choice(("邮箱", "E-mail: ", "请发送至")), f"{rng.choice(names)}@{rng.choice(domains)}", "。"


_INLINE_MARKS = ("机密★1年", "秘密★长期", "绝密★10年", "秘密★", "严禁外传", "不得外传",
                 "不得对外发布", "注意保密", "严禁通过互联网、微信等渠道传播", "仅限内部使用",
                 "请勿外传", "不得翻印", "密级：机密")
_LINE_MARKS = ("内 部", "内　部", "内部", "内部资料", "【内部资料】", "内部文件", "机密", "秘 密",
               "内部刊物")


def _g_inline_mark(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(("本文件", "", "（", "材料")), rng.choice(_INLINE_MARKS), rng.choice(("。", "）", "！"))


GENERATORS: dict[str, Gen] = {
    "CN_RESIDENT_ID": _g_id,
    "CN_MOBILE": _g_mobile,
    "CN_LANDLINE": _g_landline,
    "BANK_CARD": _g_card,
    "CN_USCC": _g_uscc,
    "PASSPORT": _g_passport,
    "EMAIL": _g_email,
    "CONFIDENTIAL_MARKING": _g_inline_mark,
}

TERMS = ("星火计划", "Project Nebula", "蓝海方案")


def generate_sample(rng: random.Random, entities: int = 12) -> Sample:
    """Build one document: an optional mark line, prose, entities, decoys."""
    parts: list[str] = []
    expected: list[tuple[str, int, int]] = []
    pos = 0

    def add(text: str) -> None:
        nonlocal pos
        parts.append(text)
        pos += len(text)

    def add_entity(type_: str, prefix: str, value: str, suffix: str) -> None:
        add(prefix)
        expected.append((type_, pos, pos + len(value)))
        add(value)
        add(suffix)

    if rng.random() < 0.5:
        add_entity("CONFIDENTIAL_MARKING", "", rng.choice(_LINE_MARKS), "\n")
    add("关于做好年度工作的通知\n")
    decoys = _decoys(rng)
    for _ in range(entities):
        add("".join(rng.choice(PROSE) for _ in range(rng.randint(1, 3))))
        roll = rng.random()
        if roll < 0.7:
            type_ = rng.choice(tuple(GENERATORS))
            add_entity(type_, *GENERATORS[type_](rng))
        elif roll < 0.8:
            term = rng.choice(TERMS)
            shown = term.upper() if term.isascii() and rng.random() < 0.5 else term
            add_entity("CUSTOM_TERM", "关于", shown, "的进展，")
        else:
            add(rng.choice(decoys))
        if rng.random() < 0.2:
            add("\n")
    if rng.random() < 0.4:
        add("\n")
        add_entity("CONFIDENTIAL_MARKING", "", rng.choice(("严禁外传", "注意保密", "不得翻印")), "")
    return Sample("".join(parts), expected, TERMS)


def generate_corpus(n: int = 400, seed: int = 20240601) -> list[Sample]:
    """Return ``n`` labelled samples from a fixed seed."""
    rng = random.Random(seed)
    return [generate_sample(rng) for _ in range(n)]


def score(
    samples: list[Sample], scan: Callable[[Sample], list[tuple[str, int, int]]]
) -> dict[str, dict[str, float]]:
    """Compute per-type precision and recall of ``scan`` against the labels."""
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    for sample in samples:
        got = set(scan(sample))
        want = set(sample.expected)
        for t, *_ in got & want:
            tp[t] = tp.get(t, 0) + 1
        for t, *_ in got - want:
            fp[t] = fp.get(t, 0) + 1
        for t, *_ in want - got:
            fn[t] = fn.get(t, 0) + 1
    result = {}
    for t in sorted(set(tp) | set(fp) | set(fn)):
        a, b, c = tp.get(t, 0), fp.get(t, 0), fn.get(t, 0)
        result[t] = {
            "precision": a / (a + b) if a + b else 1.0,
            "recall": a / (a + c) if a + c else 1.0,
            "true_positives": a,
            "false_positives": b,
            "false_negatives": c,
        }
    return result


def generate_prose(n_chars: int, seed: int = 7, entity_every_bytes: int = 5000) -> str:
    """Return about ``n_chars`` of prose with roughly one entity per ``entity_every_bytes``."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = nbytes = since = 0
    # Keep the order-number sentence out of the filler: decoys come at the
    # same rate as entities instead of every few hundred bytes.
    prose = tuple(p for p in PROSE if "订单号" not in p)
    gens = tuple(GENERATORS.values()) + (lambda r: ("", r.choice(_decoys(r)), ""),)
    while size < n_chars:
        s = rng.choice(prose)
        parts.append(s)
        size += len(s)
        b = len(s.encode("utf-8"))
        nbytes += b
        since += b
        if since >= entity_every_bytes:
            since = 0
            pre, value, post = rng.choice(gens)(rng)
            chunk = pre + value + post
            parts.append(chunk)
            size += len(chunk)
        if rng.random() < 0.05:
            parts.append("\n")
            size += 1
    return "".join(parts)
