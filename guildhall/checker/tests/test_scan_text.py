"""Behaviour of scan_text on hand-written cases."""

from __future__ import annotations

import pytest

from guildhall.checker import Finding, scan_text, scanner
from guildhall.checker.engine import hyperscan_available
from guildhall.checker.scanner import OVERLAP, scan_pieces


def kinds(text: str, engine: str, **kw: object) -> list[tuple[str, str]]:
    return [(f.type, f.value) for f in scan_text(text, engine=engine, **kw)]  # type: ignore[arg-type]


def test_finding_fields(engine: str) -> None:
    text = "身份证号11010519491231002X已登记"
    (f,) = scan_text(text, engine=engine)
    assert isinstance(f, Finding)
    assert (f.type, f.value, text[f.start : f.end]) == (
        "CN_RESIDENT_ID",
        "11010519491231002X",
        "11010519491231002X",
    )
    assert f.masked == "1101**********002X"
    assert f.location is None and 0 < f.confidence <= 1
    with pytest.raises(AttributeError):
        f.start = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("手机13812345678。", [("CN_MOBILE", "13812345678")]),
        ("手机138-1234-5678。", [("CN_MOBILE", "138-1234-5678")]),
        ("Tel +86 138 1234 5678.", [("CN_MOBILE", "+86 138 1234 5678")]),
        ("电话0086-13812345678", [("CN_MOBILE", "0086-13812345678")]),
        ("手机１３８１２３４５６７８", [("CN_MOBILE", "１３８１２３４５６７８")]),
        ("号码138123456789", []),  # 12 digits: embedded in a longer run
        ("电话(025)84567890", [("CN_LANDLINE", "(025)84567890")]),
        ("电话（025）8456 7890转123", [("CN_LANDLINE", "（025）8456 7890转123")]),
        ("电话025-84567890-1234", [("CN_LANDLINE", "025-84567890-1234")]),
        ("电话0571-8888999 ext 12", [("CN_LANDLINE", "0571-8888999 ext 12")]),
        ("卡号6222 0200 1234 5678 906", []),  # Luhn fails
        ("卡号6222020012345671", [("BANK_CARD", "6222020012345671")]),
        ("付款4111-1111-1111-1111完成", [("BANK_CARD", "4111-1111-1111-1111")]),
        ("订单号95588002001350732", []),  # unknown prefix, no card context
        ("账号 9558800200135073267", []),  # Luhn fails
        ("账号 9558800200135073266", [("BANK_CARD", "9558800200135073266")]),
        ("统一社会信用代码91350100M000100Y43。", [("CN_USCC", "91350100M000100Y43")]),
        ("代码91350100M000100Y44", []),
        ("编号X91350100M000100Y43", []),  # letter+digit run
        ("护照号码E12345678", [("PASSPORT", "E12345678")]),
        ("型号E12345678", []),  # no passport context
        ("台胞证号码20230101", []),  # reads as a date
        ("港澳通行证H1234567890", [("PASSPORT", "H1234567890")]),
        ("邮箱zhang.san@example.com。", [("EMAIL", "zhang.san@example.com")]),
        ("a..b@example.com", []),
        ("123456789011010519491231002X", []),  # ID embedded in a longer digit run
        ("11010519491231002X8", []),
        ("110105194912310021", []),  # wrong check character
    ],
)
def test_cases(engine: str, text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text, engine) == expected


def test_valid_id_is_not_also_uscc(engine: str) -> None:
    assert kinds("代码110105194912310021 11010519491231002X", engine) == [
        ("CN_RESIDENT_ID", "11010519491231002X")
    ]


def test_markings_flagged_but_not_prose(engine: str) -> None:
    doc = "内 部\n关于年度预算的说明\n正文内容。\n严禁外传"
    found = scan_text(doc, engine=engine)
    assert [(f.value, f.detail) for f in found] == [
        ("内 部", "internal"),
        ("严禁外传", "distribution"),
    ]
    prose = (
        "成功的秘密在于坚持。企业要加强内部控制和内部管理。系统的机密性很重要。"
        "法律保护商业秘密、国家秘密。\n协会内部设有秘书处。\n秘密会谈的故事。"
    )
    assert scan_text(prose, engine=engine) == []


@pytest.mark.parametrize(
    "text, detail",
    [
        ("秘密★1年", "classification"),
        ("机密★长期", "classification"),
        ("绝密 ★ 十年", "classification"),
        ("密级：机密", "classification"),
        ("机密\n正文", "classification"),
        ("【内部资料】\n正文", "internal"),
        ("内　部\n正文", "internal"),
        ("本材料仅限内部使用。", "internal"),
        ("本文件不得对外发布。", "distribution"),
        ("严禁通过互联网、微信等渠道传播。", "distribution"),
        ("请注意保密。", "distribution"),
    ],
)
def test_marking_kinds(engine: str, text: str, detail: str) -> None:
    found = scan_text(text, engine=engine)
    assert [(f.type, f.detail) for f in found] == [("CONFIDENTIAL_MARKING", detail)]


def test_custom_terms_case_insensitive_for_latin(engine: str) -> None:
    text = "关于project nebula和星火计划以及PROJECT NEBULAX的说明"
    found = scan_text(text, engine=engine, terms=["Project Nebula", "星火计划"])
    assert [f.value for f in found] == ["project nebula", "星火计划"]
    assert all(f.type == "CUSTOM_TERM" for f in found)


def test_types_filter(engine: str) -> None:
    text = "手机13812345678，邮箱a@example.com"
    assert kinds(text, engine, types=["EMAIL"]) == [("EMAIL", "a@example.com")]
    with pytest.raises(ValueError):
        scan_text(text, types=["NOPE"])


def test_email_with_mobile_local_part_reported_once(engine: str) -> None:
    assert kinds("邮箱13812345678@139.com", engine) == [("EMAIL", "13812345678@139.com")]


def test_chunk_boundaries_do_not_lose_or_duplicate(monkeypatch: pytest.MonkeyPatch) -> None:
    entity = "手机13812345678，"
    text = ("正文" * 997 + entity) * 40
    whole = scan_text(text)
    for chunk in (scanner.CHUNK_CHARS, 2 * OVERLAP + 1, 2 * OVERLAP + 1000):
        monkeypatch.setattr(scanner, "CHUNK_CHARS", chunk)
        for size in (OVERLAP + 7, 3000, 5000):
            pieces = [text[i : i + size] for i in range(0, len(text), size)]
            assert [h.finding for h in scan_pieces(pieces)] == whole
    assert len(whole) == 40


def test_findings_sorted_and_disjoint(engine: str) -> None:
    text = "卡号6222020012345678 手机13812345678 邮箱x@y.cn 内部资料 机密★1年"
    found = scan_text(text, engine=engine)
    assert found == sorted(found, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


@pytest.mark.parametrize(
    "text, notice",
    [
        ("（此件不得外传）", "不得外传"),
        ("（此件不得外传，严禁复制）", "不得外传，严禁复制"),
        ("本文件严禁外传、复印，阅后收回。", "严禁外传、复印，阅后收回"),
        ("本材料未经批准不得复制；严禁通过互联网、微信等传播，注意保密。",
         "未经批准不得复制；严禁通过互联网、微信等传播，注意保密"),
        ("本材料仅供内部参考，不得外传。", "仅供内部参考，不得外传"),
        ("请勿将本文件转发他人。", "请勿将本文件转发"),
    ],
)
def test_one_notice_is_one_finding(engine: str, text: str, notice: str) -> None:
    found = scan_text(text, engine=engine)
    assert [(f.value, f.detail) for f in found] == [(notice, "distribution")]


@pytest.mark.parametrize(
    "text, value, detail",
    [
        ("绝密★长期\n正文", "绝密★长期", "classification"),
        ("000123\n机密★5年　特急\n正文", "机密★5年", "classification"),
        ("机密★一年\n", "机密★一年", "classification"),
        ("绝密★启用前\n", "绝密★启用前", "classification"),
        ("秘密　加急\n正文", "秘密", "classification"),
        ("内部发行\n正文", "内部发行", "internal"),
        ("内 部 资 料\n正文", "内 部 资 料", "internal"),
        ("内部资料，免费交流\n正文", "内部资料，免费交流", "internal"),
        ("内部资料　注意保存\n正文", "内部资料　注意保存", "internal"),
        ("密级：内部\n", "密级：内部", "classification"),
    ],
)
def test_head_mark_is_one_finding(engine: str, text: str, value: str, detail: str) -> None:
    found = scan_text(text, engine=engine)
    assert [(f.value, f.detail) for f in found] == [(value, detail)]


@pytest.mark.parametrize(
    "text",
    [
        "会员单位不得对外提供担保。",
        "会员不得拖欠会费，不得损害协会声誉。",
        "严禁酒后驾车。",
        "请注意保存好发票原件。",
        "不得泄露会员信息，不得公开招标。",
        "秘书处整理内部资料和会议记录。",
        "认真学习《中华人民共和国保守国家秘密法》。",
    ],
)
def test_rules_in_prose_are_not_notices(engine: str, text: str) -> None:
    assert scan_text(text, engine=engine) == []


def test_engines_agree_on_notices_near_full_width_text() -> None:
    if not hyperscan_available():
        return
    notice = "此件不得外传，严禁通过ＱＱ、微信等传播，电话０２５－８３２１６５４７，阅后收回"
    text = ("正文" * 300 + notice + "。") * 20 + "不得翻印" + "文" * 1700 + "不得复制"
    py = scan_text(text, engine="python")
    assert scan_text(text, engine="hyperscan") == py
    # The phone number between two phrases is reported, not swallowed by the notice.
    assert [(f.type, f.value) for f in py][:3] == [
        ("CONFIDENTIAL_MARKING", "不得外传，严禁通过ＱＱ、微信等传播"),
        ("CN_LANDLINE", "０２５－８３２１６５４７"),
        ("CONFIDENTIAL_MARKING", "阅后收回"),
    ]
    assert len(py) == 20 * 3 + 2
