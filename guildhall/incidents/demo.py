"""Demo incidents: an open significant one at `soft` with two follow-ups and an
acknowledgement, a closed general one whose lessons became plan items, a late one at `logi`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils import timezone

from guildhall.incidents import figures, services
from guildhall.incidents.models import Incident, Report
from guildhall.kit import links
from guildhall.records.models import Entry

# After the plans module (the closed incident's lessons become its plan items).
ORDER = 120

INCIDENT_TIMES = ("occurred_at", "discovered_at", "clock_started_at", "first_report_due",
                  "first_reported_at", "written_due", "written_reported_at", "followup_due",
                  "stable_at", "closed_at", "reopened_at", "created_at", "updated_at",
                  "board_due")
REPORT_TIMES = ("reported_at", "due_at", "created_at", "ack_due", "acknowledged_at")


def _passes(incident: Incident, minutes: int) -> Incident:
    """Let `minutes` pass for the demo: everything the incident recorded so far moves back
    by that much, so that its next step happens that much later."""
    delta = dt.timedelta(minutes=minutes)
    Incident.objects.filter(pk=incident.pk).update(**{f: F(f) - delta for f in INCIDENT_TIMES})
    Report.objects.filter(incident=incident).update(**{f: F(f) - delta for f in REPORT_TIMES})
    Entry.objects.filter(subject_id=incident.pk, subject_type__model="incident",
                         subject_type__app_label="incidents").update(at=F("at") - delta)
    # The stored figures keep the deadlines of the first reports not made yet.
    figures.refresh([incident.organization_id])
    incident.refresh_from_db()
    return incident


def seed(cast: Any, password_hash: str) -> None:
    if Incident.objects.filter(organization__code__in=["soft", "logi"]).exists():
        return
    u = cast.user
    soft, logi = cast.orgs["soft"], cast.orgs["logi"]
    now = timezone.now()

    # An open significant incident: reported at once, acknowledged, two follow-ups.
    rumour = services.incident_register(
        actor=u("soft-editor"), org=soft, send=True, data={
            "title": "网络流传关于协会会员收费的不实信息", "category": "public_opinion",
            "severity": "significant", "discovered_at": now - dt.timedelta(minutes=10),
            "location": "微博、行业微信群", "people_affected": 0,
            "known": "有账号发文称协会强制收取高额会费，转发约三百次。",
            "actions_taken": "已截图留存，正在核实发文来源。"},
        report="网络流传关于协会会员收费的不实信息，已截图留存，正在核实。")
    rumour = _passes(rumour, 20)
    services.report_acknowledge(actor=u("sup-approver"), incident=rumour,
                                report_id=rumour.reports.get().pk,
                                instruction="请尽快核实并准备澄清口径，续报进展。")
    rumour = _passes(rumour, 100)
    services.follow_up(actor=u("soft-editor"), incident=rumour,
                       text="已核实为不实信息，澄清声明已按三审流程送审。")
    rumour = _passes(rumour, 130)
    services.follow_up(actor=u("soft-principal"), incident=rumour,
                       text="澄清声明已在官方网站发布，原帖转发量不再上升。")
    _passes(rumour, 45)

    # A closed general incident; its lessons became plan items where the plan module is there.
    leak = services.incident_register(
        actor=u("soft-staff"), org=soft, send=True, data={
            "title": "会员通讯录误发至外部邮箱", "category": "information_leak", "severity": "general",
            "discovered_at": now - dt.timedelta(minutes=30), "people_affected": 120,
            "known": "工作人员将会员通讯录误发至一个外部邮箱。", "actions_taken": "已联系对方删除。"},
        report="会员通讯录误发至外部邮箱，已联系对方删除。")
    leak = _passes(leak, 60)
    services.report_acknowledge(actor=u("sup-approver"), incident=leak,
                                report_id=leak.reports.get().pk, instruction="")
    leak = _passes(leak, 60 * 24)
    services.mark_stable(actor=u("soft-principal"), incident=leak, note="对方已确认删除。")
    services.incident_close(
        actor=u("soft-principal"), incident=leak, cause="发送前未核对收件人。",
        actions="联系对方删除并取得书面确认；向受影响会员说明情况。",
        results="未发现进一步扩散。", lessons="对外发送含个人信息的文件须二人核对并加密。",
        plan_items=["建立含个人信息文件对外发送的双人核对制度", "开展一次个人信息保护培训"]
        if links.make_plan_item.available else [],
        due_date=timezone.localdate() + dt.timedelta(days=60))
    leak = _passes(leak, 60 * 24 * 6)

    # A late one at logi: a major incident first reported 45 minutes after its deadline.
    late = services.incident_register(
        actor=u("logi-editor"), org=logi, send=True, data={
            "title": "冷链仓库夜间发生火情", "category": "safety", "severity": "major",
            "discovered_at": now - dt.timedelta(minutes=75), "location": "苏州工业园区会员企业仓库",
            "people_affected": 2, "known": "仓库一角起火，两人轻微吸入烟雾，已送医。",
            "actions_taken": "消防已到场扑灭。"},
        report="会员企业冷链仓库夜间发生火情，两人轻伤送医，火已扑灭。")
    _passes(late, 50)
