"""Demo meetings: `soft` held two this year whose conclusions became plan items (when the
annual plan is installed), and prepares a third; `logi` held none (below the minimum)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guildhall.core.errors import DomainError
from guildhall.kit import links
from guildhall.meetings import services
from guildhall.meetings.models import Meeting

# After the plan (which may or may not have seeded its own records by then: see below).
ORDER = 70


def _this_year(days_ago: int, hour: int) -> dt.datetime:
    """A time `days_ago` days back, kept within this year and before now."""
    now = timezone.localtime()
    day = max(now.date() - dt.timedelta(days=days_ago), dt.date(now.year, 1, 1))
    at = timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))
    return min(at, now - dt.timedelta(minutes=days_ago + 1))


def seed(cast: Any, password_hash: str) -> None:
    soft = cast.orgs["soft"]
    if Meeting.objects.filter(organization=soft).exists():
        return
    u = cast.user
    editor, principal = u("soft-editor"), u("soft-principal")
    members = [principal, u("soft-admin"), editor, u("soft-reviewer"), u("soft-staff")]
    held = [
        ("意识形态工作专题研究会（上半年）", 150, 9, ["传达学习上级有关文件精神", "研究本年度意识形态工作要点",
                                        "部署协会活动报备和宣传阵地管理"],
         ["修订协会活动报备内部审核流程，6 月底前完成", "对协会网站和公众号开展一次内容自查"]),
        ("意识形态工作专题研究会（下半年）", 40, 14, ["通报上半年工作落实情况", "研究年度工作总结和述职准备"],
         ["组织全体工作人员开展一次专题学习", "12 月中旬前形成年度工作报告初稿"]),
    ]
    for title, days_ago, hour, agenda, conclusions in held:
        meeting = services.meeting_create(actor=editor, org=soft, data={
            "title": title, "held_at": _this_year(days_ago, hour), "venue": "协会三楼会议室",
            "chair": principal, "attendees": members, "other_attendees": 2,
            "agenda": agenda, "conclusions": conclusions,
            "notes": "与会人员逐项讨论，一致同意以下结论。"})
        meeting = services.meeting_record(actor=editor, meeting=meeting)
        if not links.make_plan_item.available:
            continue  # the annual plan is not installed: the conclusions stay conclusions
        due = timezone.localdate() + dt.timedelta(days=45)
        try:
            services.meeting_follow_up(actor=editor, meeting=meeting, conclusion=0, title="",
                                       owner=editor, due_date=due)
        except (DomainError, ValidationError, PermissionDenied):
            # The plan may not be ready for this year's items yet (it seeds in its own
            # order), or may ask for someone else; the meeting stands without its task.
            continue
    services.meeting_create(actor=editor, org=soft, data={
        "title": "年度述职准备专题会", "held_at": timezone.now() + dt.timedelta(days=10),
        "venue": "协会三楼会议室", "online_platform": "腾讯会议", "chair": principal,
        "attendees": [principal, editor], "agenda": ["讨论年度述职报告提纲"]})
