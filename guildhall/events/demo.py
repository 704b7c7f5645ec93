"""Demo filings in every state across the demo associations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guildhall.events import services
from guildhall.events.models import Filing

ORDER = 50


def _at(days: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def _data(cast: Any, org: str, title: str, type_: str, days: int, **extra: Any) -> dict[str, Any]:
    data = {
        "title": title, "type": type_, "starts_at": _at(days), "ends_at": _at(days, 12),
        "venue": "南京国际博览中心 3 号会议室", "organizer": cast.orgs[org].name,
        "expected_attendance": 80, "description": "围绕行业发展开展交流。",
        "speakers": [{"name": "王教授", "affiliation": "东南大学", "topic": "行业数字化转型"}],
        "onsite_person": cast.user(f"{org}-editor"), "onsite_phone": "025-83001234",
        "halt_procedure": "现场负责人宣布暂停，工作人员引导离场。",
        "notify_list": "协会主要负责人、主管单位审批人", "fallback": "改期或改为线上举办。",
    }
    data.update(extra)
    return data


def _move_to_past(filing: Filing, days_ago: int, hours: int = 3) -> None:
    """Place an approved demo event in the past, as if it had taken place."""
    start = timezone.now() - dt.timedelta(days=days_ago, hours=hours)
    end = start + dt.timedelta(hours=hours)
    Filing.objects.filter(pk=filing.pk).update(starts_at=start, ends_at=end)
    filing.refresh_from_db()
    filing.revisions.filter(number=filing.revision).update(snapshot=filing.snapshot())


def seed(cast: Any, password_hash: str) -> None:
    if Filing.objects.filter(organization__code__in=["soft", "logi", "tour", "chem"]).exists():
        return
    u = cast.user
    soft, logi, tour, chem = (cast.orgs[c] for c in ("soft", "logi", "tour", "chem"))
    services.rules_update(actor=u("sup-admin"), supervisor=cast.orgs["sup"], data={"allow_late": True})

    def create(org: str, title: str, type_: str, days: int, by: str = "", **extra: Any) -> Filing:
        return services.filing_create(actor=u(by or f"{org}-editor"), org=cast.orgs[org],
                                      data=_data(cast, org, title, type_, days, **extra))

    def up(filing: Filing, org: str) -> Filing:
        filing = services.filing_submit(actor=u(f"{org}-editor"), filing=filing)
        return services.filing_sign_off(actor=u(f"{org}-principal"), filing=filing,
                                        revision=filing.revision)

    def approve(filing: Filing, org: str, approver: str = "sup-approver") -> Filing:
        filing = up(filing, org)
        return services.filing_approve(actor=u(approver), filing=filing, revision=filing.revision,
                                       comment="同意。")

    # soft: one of each state
    create("soft", "软件产业发展研讨会（草稿）", "seminar", 40)
    services.filing_submit(actor=u("soft-editor"),
                           filing=create("soft", "开源软件合规讲座", "lecture", 30))
    up(create("soft", "软件行业人才培养论坛", "forum", 25, expected_attendance=150), "soft")
    returned = up(create("soft", "数据安全培训班", "training", 35, livestream=True), "soft")
    services.filing_return(actor=u("sup-approver"), filing=returned, revision=returned.revision,
                           comment="直播方案不完整：请补充直播平台名称和应急处置联系人。")
    approve(create("soft", "年度会员交流会", "exchange", 20), "soft")
    halted = approve(create("soft", "行业新技术展示会", "exhibition", 15), "soft")
    _move_to_past(halted, 0, hours=1)
    Filing.objects.filter(pk=halted.pk).update(ends_at=timezone.now() + dt.timedelta(hours=3))
    halted.refresh_from_db()
    services.filing_halt(actor=u("soft-principal"), filing=halted,
                         reason="会场突发停电，现场秩序受影响。",
                         actions_taken="宣布暂停，引导人员有序离场，已通知主管单位。")
    closed = approve(create("soft", "软件企业座谈会", "symposium", 22), "soft")
    _move_to_past(closed, 10)
    closed.refresh_from_db()
    services.filing_summarize(actor=u("soft-editor"), filing=closed,
                              what_happened="座谈会按计划举行，12 家企业发言。", attendance=45)
    services.filing_acknowledge_summary(actor=u("sup-approver"), filing=closed)
    late = create("soft", "紧急政策解读报告会", "report_meeting", 2)
    late = services.filing_submit(actor=u("soft-editor"), filing=late,
                                  late_reason="上级政策于本周发布，需尽快向会员解读。")

    # soft: a foreign exchange whose material had findings the principal acknowledged
    foreign = create("soft", "中德软件产业交流会", "foreign_exchange", 45,
                     co_organizers=[{"name": "德国软件协会", "foreign": True}], expected_attendance=60)
    services.attachment_add(
        actor=u("soft-editor"), filing=foreign, for_foreign_party=True,
        upload=SimpleUploadedFile("agenda.txt", "交流议程\n联系人：张先生，手机 13912345678\n"
                                  .encode(), content_type="text/plain"))
    try:
        services.filing_submit(actor=u("soft-editor"), filing=foreign)
    except Exception:  # refused because of the findings, which are now stored
        pass
    for finding in foreign.attachments.get().findings.all():
        services.finding_acknowledge(actor=u("soft-principal"), finding=finding,
                                     reason="对方联络人需要该联系电话，已征得本人同意。")
    up(Filing.objects.get(pk=foreign.pk), "soft")

    # logi and tour
    rejected = up(create("logi", "物流行业闭门研讨会", "seminar", 30), "logi")
    services.filing_reject(actor=u("sup-approver"), filing=rejected, revision=rejected.revision,
                           comment="活动内容与协会业务范围不符。")
    withdrawn = services.filing_submit(actor=u("logi-editor"),
                                       filing=create("logi", "供应链金融讲座", "lecture", 28))
    services.filing_withdraw(actor=u("logi-editor"), filing=withdrawn, reason="讲者时间冲突。")
    services.filing_cancel(actor=u("logi-editor"), reason="场地不可用。",
                           filing=create("logi", "冷链物流培训", "training", 33))
    approve(create("tour", "文旅融合发展论坛", "forum", 26), "tour")

    # chem, under the other supervising body
    up(create("chem", "化工安全生产培训", "training", 24), "chem")
