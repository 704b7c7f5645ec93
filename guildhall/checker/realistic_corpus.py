"""Generate office documents laid out the way real ones are, to score the checker fairly.

Unlike ``corpus.py`` (which mirrors the checker's own rules), this module is
written from the way documents are actually laid out and worded, and it does
not import the checker's patterns.  Where each family of phrasings comes from:

* Head of an official document (版头): 份号 on the first line, then 密级和保密期限
  ("机密★1年": level, a ★, the period in Arabic digits) and 紧急程度 (特急/加急),
  and the closing 附注 in parentheses below the date -- 《党政机关公文格式》
  GB/T 9704-2012, 7.2.1-7.2.3 and 7.3.7.
* The three classification levels 绝密/机密/秘密 and that every secret carries a
  保密期限 -- 《中华人民共和国保守国家秘密法》(levels, periods).  "长期" and
  Chinese-numeral periods (一年) are common practice, not the standard's form.
  "绝密★启用前" is the usual mark on examination papers (common practice).
* "内部资料，免费交流" printed on the cover -- 《内部资料性出版物管理规定》(2015)
  第十四条; 内部刊物/内部发行/内部文件/内部使用 and letter-spaced 内 部 are
  common head marks of association and company papers (common practice).
* Distribution notices (此件不得翻印, 严禁外传, 未经许可不得转载, 阅后收回,
  注意保存, 不得通过互联网、微信等传播) -- common practice of Chinese offices and
  publishers' copyright lines; written from general knowledge, not copied from
  any one document.
* Prose that uses the same words without marking anything (内部控制, 商业秘密,
  机密性, 保守国家秘密法, 成功的秘密, rules such as 不得拖欠会费) -- the wording of
  ordinary regulations and reports.

Two parts, scored separately: ``tuning`` (seed 1601) may be looked at while
changing the checker; ``heldout`` (seed 9704, and phrasing variants that the
tuning part never uses) is scored only to report the result.  Labels are what a
careful human reviewer would mark:

* a head mark (one line at the top) is one finding spanning the mark itself
  (brackets included, 紧急程度 and 份号 excluded);
* a distribution notice is ONE finding from the start of its first restricting
  phrase to the end of its last one, however many it holds; the subject
  (此件/本文件) and enclosing brackets are not part of the span;
* everything else is not a finding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .corpus import Sample

PARTS = ("tuning", "heldout")
SEEDS = {"tuning": 1601, "heldout": 9704}


@dataclass(frozen=True)
class Phrasings:
    """Hold the phrasing variants of one corpus part."""

    levels: tuple[str, ...]
    periods: tuple[str, ...]
    star_gaps: tuple[str, ...]
    level_lines: tuple[str, ...]
    internal_heads: tuple[str, ...]
    restrictors: tuple[str, ...]
    verbs: tuple[str, ...]
    standalone: tuple[str, ...]
    joins: tuple[str, ...]
    subjects: tuple[str, ...]
    prose_decoys: tuple[str, ...]
    phones: tuple[str, ...]


TUNING = Phrasings(
    levels=("绝密", "机密", "秘密"),
    periods=("1年", "5年", "10年", "长期", ""),
    star_gaps=("",),
    level_lines=("秘密", "机密", "绝密"),
    internal_heads=("内部", "内 部", "内部资料", "内部文件", "【内部资料】", "内部资料　免费交流"),
    restrictors=("严禁", "不得", "禁止", "请勿"),
    verbs=("外传", "复制", "转发", "翻印", "复印", "对外提供"),
    standalone=("注意保密", "妥善保管", "阅后收回"),
    joins=("，", "、"),
    subjects=("此件", "本文件", "本资料", ""),
    prose_decoys=(
        "各会员单位要进一步加强内部管理，",
        "企业应当健全内部控制制度。",
        "依法保护商业秘密和个人信息。",
        "成功的秘密在于坚持。",
        "要确保数据的机密性和完整性。",
        "认真学习《中华人民共和国保守国家秘密法》，",
        "协会内部设有秘书处和会员服务部。",
        "会员不得拖欠会费，不得损害协会声誉。",
        "会员单位不得对外提供担保。",
        "秘书处负责整理内部资料和会议记录。",
    ),
    phones=("0571-87654321", "025-83216547", "13812345678", "139 1234 5678"),
)

HELDOUT = Phrasings(
    levels=("绝密", "机密", "秘密"),
    periods=("6个月", "20年", "一年", "三年", "启用前"),
    star_gaps=("", " "),
    level_lines=("秘 密", "机　密", "〔秘密〕"),
    internal_heads=(
        "内　部", "内部发行", "内部刊物", "内部使用", "〔内部〕", "内部资料，注意保存",
        "内 部 资 料", "[内部资料]",
    ),
    restrictors=("不准", "未经批准不得", "未经许可不得", "切勿", "一律不得"),
    verbs=("摘抄", "对外发布", "上网", "通过互联网传播", "通过手机、微信等传播", "转载", "扩散"),
    standalone=("注意保存", "用后收回", "阅后销毁", "会后收回"),
    joins=("，", "；", "，并"),
    subjects=("本件", "本材料", "本文件及附件", "会议材料"),
    prose_decoys=(
        "协会将开展内部审计和内部培训，",
        "加强机密文件管理制度建设。",
        "严禁酒后驾车，确保出行安全。",
        "不得对外发布虚假广告，",
        "严禁抄袭、复制他人作品。",
        "请注意保存好发票原件。",
        "此件公开发布。",
        "秘密投票的结果当场公布。",
        "行业的秘密武器是创新。",
        "理事会审议了内部机构设置方案。",
    ),
    phones=("（0571）87654321", "0571－87654321", "+86 138 1234 5678", "010-62345678转8012"),
)

_BY_PART = {"tuning": TUNING, "heldout": HELDOUT}

_BODY = (
    "为贯彻落实省社会组织综合委员会的工作部署，现就有关事项通知如下。",
    "一、各会员单位要高度重视，认真组织学习。",
    "二、请于2024年3月15日前将材料报送协会秘书处。",
    "三、会议定于2024年4月8日上午9:30在协会三楼会议室召开。",
    "本次活动共有一百二十家会员企业参加，",
    "协会将根据年度工作要点做好统筹安排。",
)
_ORGS = ("浙江省机械行业协会", "江苏省软件行业协会", "××省餐饮商会", "××市建筑业协会")


class _Doc:
    """Build text while recording the spans of the findings it must produce."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.expected: list[tuple[str, int, int]] = []
        self.pos = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def mark(self, text: str, type_: str = "CONFIDENTIAL_MARKING") -> None:
        self.expected.append((type_, self.pos, self.pos + len(text)))
        self.add(text)

    def sample(self) -> Sample:
        return Sample("".join(self.parts), self.expected, ())


def _classification(rng: random.Random, p: Phrasings) -> str:
    if rng.random() < 0.25:
        return rng.choice(p.level_lines)
    gap = rng.choice(p.star_gaps)
    return rng.choice(p.levels) + gap + "★" + gap + rng.choice(p.periods)


def _phrase(rng: random.Random, p: Phrasings, used: set[str], most: int) -> tuple[str, int]:
    """Return one restricting phrase (never repeating ``used``) and its restriction count."""
    if rng.random() < 0.3:
        choice = rng.choice([s for s in p.standalone if s not in used] or p.standalone)
        used.add(choice)
        return choice, 1
    free = [v for v in p.verbs if v not in used]
    verbs = rng.sample(free, min(len(free), most, rng.choice((1, 1, 2))))
    used.update(verbs)
    return rng.choice(p.restrictors) + "、".join(verbs), len(verbs)


def _notice(rng: random.Random, p: Phrasings, restrictions: int) -> str:
    """Join restricting phrases into one notice naming ``restrictions`` restrictions."""
    phrases: list[str] = []
    used: set[str] = set()
    left = restrictions
    while left > 0:
        text, n = _phrase(rng, p, used, left)
        phrases.append(text)
        left -= n
    out = phrases[0]
    for ph in phrases[1:]:
        out += rng.choice(p.joins) + ph
    return out


def generate_document(rng: random.Random, part: str) -> Sample:
    """Build one document of ``part`` with its head, body, contacts and notes."""
    p = _BY_PART[part]
    d = _Doc()
    head = rng.random()
    if rng.random() < 0.4:
        d.add(f"{rng.randint(1, 999):06d}\n")  # 份号
    if head < 0.35:
        d.mark(_classification(rng, p))
        d.add(rng.choice(("", "　特急", "　加急")) + "\n")
    elif head < 0.7:
        d.mark(rng.choice(p.internal_heads))
        d.add("\n")
    org = rng.choice(_ORGS)
    d.add(f"{org}文件\n×协〔2024〕{rng.randint(1, 99)}号\n关于做好年度工作的通知\n各会员单位：\n")
    for _ in range(rng.randint(2, 5)):
        d.add(rng.choice(_BODY))
        if rng.random() < 0.5:
            d.add(rng.choice(p.prose_decoys))
        if rng.random() < 0.3:
            d.add("\n")
    d.add("\n")
    if rng.random() < 0.5:
        # A notice inside the body: a sentence of its own.
        d.add(rng.choice(p.subjects))
        d.mark(_notice(rng, p, rng.randint(1, 3)))
        d.add("。\n")
    d.add("联系人：王芳，电话：")
    d.mark(rng.choice(p.phones), "CN_MOBILE")
    d.add("。\n")
    d.add(f"{org}\n2024年3月1日\n")
    roll = rng.random()
    if roll < 0.5:
        # 附注 below the date, in parentheses (GB/T 9704-2012 7.3.7).
        d.add("（" + rng.choice(p.subjects))
        d.mark(_notice(rng, p, rng.randint(1, 3)))
        d.add("）\n")
    elif roll < 0.7:
        d.mark(_notice(rng, p, rng.randint(1, 3)))
        d.add("\n")
    return _fix_phone_types(d.sample())


def _fix_phone_types(sample: Sample) -> Sample:
    """Label each contact number with its own type (mobile or landline)."""
    fixed = []
    for type_, s, e in sample.expected:
        if type_ == "CN_MOBILE":
            digits = "".join(ch for ch in sample.text[s:e] if ch.isdigit())
            digits = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
            if not (len(digits) == 11 and digits.startswith("1")):
                type_ = "CN_LANDLINE"
        fixed.append((type_, s, e))
    return Sample(sample.text, fixed, sample.terms)


def generate_realistic(n: int = 400, part: str = "tuning", seed: int | None = None) -> list[Sample]:
    """Return ``n`` labelled documents of one part (``tuning`` or ``heldout``)."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}")
    rng = random.Random(SEEDS[part] if seed is None else seed)
    return [generate_document(rng, part) for _ in range(n)]
