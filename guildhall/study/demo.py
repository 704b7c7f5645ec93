"""Demo study sessions and codes of conduct for `soft`.

A study plan of this year: a topic for the month of each confirmed session, one missed
(a past month without a session) and one for this month, still to come.
Sessions this year: three confirmed (2 + 1.5 + 1 = 4.5 hours; 5, 3 and 4 of its 5 members
attended: a participation rate of (1 + 0.6 + 0.8) / 3 = 80%) and one draft waiting for the
principal. Two codes with two published versions each; the current versions are
acknowledged by 3 of 5 and 1 of 5 members. A library of two materials of `soft` and two
shared by `sup` with every association below it; an essay contest with its winners."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guildhall.study import services
from guildhall.study.models import Code, CodeKind, Form

ORDER = 75

SESSIONS = [
    # topic, form, days ago, hours, attendees (by role), others, confirmed
    ("学习《社会组织登记管理条例》", Form.GROUP, 120, "2", ["principal", "admin", "editor", "reviewer",
                                                       "staff"], 0, True),
    ("意识形态工作专题讲座", Form.LECTURE, 60, "1.5", ["principal", "editor", "staff"], 6, True),
    ("网络安全与数据保护线上学习", Form.ONLINE, 20, "1", ["admin", "editor", "reviewer", "staff"], 0,
     True),
    ("行业自律研讨交流", Form.SEMINAR, 3, "2", ["principal", "editor"], 2, False),
]

CODES = [
    ("协会自律规约", CodeKind.SELF_DISCIPLINE,
     ["第一条 本会会员应当遵守国家法律法规，维护行业声誉。\n\n第二条 会员之间公平竞争，不得相互诋毁。",
      "第一条 本会会员应当遵守国家法律法规，维护行业声誉。\n\n第二条 会员之间公平竞争，不得相互诋毁。\n\n"
      "第三条 会员应当保护用户数据，不得泄露、出售个人信息。"],
     ["principal", "admin", "editor"]),
    ("工作人员职业道德准则", CodeKind.ETHICS,
     ["一、爱岗敬业，诚实守信。\n\n二、廉洁自律，不以职务之便谋取私利。",
      "一、爱岗敬业，诚实守信。\n\n二、廉洁自律，不以职务之便谋取私利。\n\n三、保守秘密，规范使用协会名义。"],
     ["principal"]),
]


LIBRARY = [
    ("soft", "soft-editor", "软件行业数据安全合规指引", "本会秘书处", "数据安全,合规",
     "https://www.example.cn/soft/data-security"),
    ("soft", "soft-editor", "行业自律公约解读（视频）", "本会培训部", "自律,视频",
     "https://www.example.cn/soft/self-discipline-video"),
    ("sup", "sup-admin", "《社会组织登记管理条例》全文", "省社会组织综合委员会", "条例,法规",
     "https://www.example.cn/sup/regulation"),
    ("sup", "sup-admin", "社会组织意识形态工作学习读本", "省社会组织综合委员会", "意识形态,读本",
     "https://www.example.cn/sup/reader"),
]


def _named(content: Any, name: str) -> Any:
    content.name = name
    content.content_type = "text/plain"
    return content


def _this_year(days_ago: int, hour: int = 9) -> dt.datetime:
    now = timezone.localtime()
    day = max(now.date() - dt.timedelta(days=days_ago), dt.date(now.year, 1, 1))
    at = timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))
    return min(at, now - dt.timedelta(minutes=days_ago + 1))


def seed(cast: Any, password_hash: str) -> None:
    soft = cast.orgs["soft"]
    if Code.objects.filter(organization=soft).exists():
        return
    u = cast.user
    editor, principal, admin = u("soft-editor"), u("soft-principal"), u("soft-admin")
    year = timezone.localdate().year
    plan = {}
    for topic, form, days_ago, *_rest, confirmed in SESSIONS:
        if confirmed:
            plan[topic] = services.topic_create(actor=editor, org=soft, data={
                "year": year, "month": _this_year(days_ago).month, "topic": topic, "form": form,
                "materials": "有关文件和学习读本", "responsible": editor})
    used = {t.month for t in plan.values()}
    missed = next((m for m in range(1, timezone.localdate().month) if m not in used), None)
    if missed:
        services.topic_create(actor=editor, org=soft, data={
            "year": year, "month": missed, "topic": "学习《慈善法》", "form": Form.GROUP,
            "responsible": principal})
    services.topic_create(actor=editor, org=soft, data={
        "year": year, "month": timezone.localdate().month, "topic": "年度学习总结交流",
        "form": Form.SEMINAR, "responsible": principal})
    shared = [services.material_create(actor=u(actor), org=cast.orgs[org], data={
        "title": title, "source": source, "tags": tags, "link": link,
        "date": timezone.localdate() - dt.timedelta(days=30)})
        for org, actor, title, source, tags, link in LIBRARY]
    for n, (topic, form, days_ago, hours, roles, others, confirmed) in enumerate(SESSIONS):
        session = services.session_create(actor=editor, org=soft, data={
            "plan_topic": plan.get(topic), "topic": topic, "form": form, "held_at": _this_year(days_ago),
            "hours": Decimal(hours), "venue": "" if form == Form.ONLINE else "协会三楼会议室",
            "online_platform": "腾讯会议" if form == Form.ONLINE else "",
            "leader": "张秘书长" if form != Form.LECTURE else "市委党校李教授",
            "attendees": [u(f"soft-{r}") for r in roles], "other_attendees": others,
            "minutes": f"{topic}：传达学习有关文件精神，与会人员结合工作交流体会。",
            # The first sessions studied a reader of the library, one of them the supervisor's.
            "library_items": [shared[-1 - n]] if n < 2 else []})
        if confirmed:
            services.session_confirm(actor=principal, session=session)
    contest = services.activity_create(actor=editor, org=soft, data={
        "title": "“诚信经营 自律发展”主题征文比赛", "kind": "essay",
        "date": timezone.localdate() - dt.timedelta(days=45), "venue": "线上征集",
        "organizers": "软件行业协会秘书处", "participants": 36,
        "description": "面向会员单位征集征文，评出一等奖 1 篇、二等奖 2 篇、三等奖 3 篇。"})
    from django.core.files.base import ContentFile

    services.activity_attach(actor=editor, activity=contest, upload=_named(ContentFile(
        "一等奖：《以诚立业》\n二等奖：《守正创新》《自律之路》".encode()), "获奖作品名单.txt"))
    today = timezone.localdate()
    for title, kind, bodies, acknowledged_by in CODES:
        code = services.code_create(actor=admin, org=soft, data={
            "title": title, "kind": kind, "body": bodies[0],
            "effective_date": dt.date(today.year - 1, 1, 1)})
        first = code.versions.get(number=1)
        services.version_submit(actor=admin, version=first)
        services.version_adopt(actor=principal, version=first)
        services.version_publish(actor=admin, version=first)
        for role in ("principal", "admin", "editor", "reviewer", "staff"):
            services.acknowledge(actor=u(f"soft-{role}"), version=first)
        second = services.version_new(actor=admin, code=code, data={
            "body": bodies[1], "effective_date": dt.date(today.year, 1, 1)})
        services.version_submit(actor=admin, version=second)
        services.version_adopt(actor=principal, version=second)
        services.version_publish(actor=admin, version=second)
        for role in acknowledged_by:
            services.acknowledge(actor=u(f"soft-{role}"), version=second)
