"""Demo plans: `sup` issues the year's key tasks; `soft` adopted them, signed its
responsibility list and has items in every state (one returned for rectification, one
with an approved filing and a published article as evidence) and last year's plan
assessed with a grade; `logi` is late in adopting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guildhall.kit import links
from guildhall.plans import services
from guildhall.plans.models import Duty, EvidenceKind, Plan, PlanItem, PlanTemplate

#: After events and publications: their approved records are linked as evidence.
ORDER = 70

KEY_TASKS = [
    ("落实意识形态工作责任制，明确第一责任人和分管责任人", Duty.RESPONSIBILITY, EvidenceKind.DOCUMENT,
     "签字确认的责任清单"),
    ("每季度至少召开一次专题研究会议", Duty.LEADERSHIP, EvidenceKind.MEETING, "会议纪要"),
    ("严格执行活动报备审批制度", Duty.EVENTS, EvidenceKind.FILING, "已批准的活动报备"),
    ("加强网站和公众号内容三审管理", Duty.CHANNELS, EvidenceKind.PUBLICATION, "审核记录和已发布文章"),
    ("开展全员学习教育，全年不少于 6 次", Duty.EDUCATION, EvidenceKind.STUDY, "学习记录"),
    ("修订协会自律规约并组织全员签收", Duty.CODES, EvidenceKind.DOCUMENT, "新版规约和签收情况"),
]


def _day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def _evidence_file(name: str = "证明材料.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "会议已召开，纪要见附件。\n".encode(), content_type="text/plain")


def _first(org: Any, kind: str) -> int | None:
    found = links.choices(org, kind, limit=1) if any(k.key == kind for k in links.kinds()) else []
    return found[0][0] if found else None


def seed(cast: Any, password_hash: str) -> None:
    if PlanTemplate.objects.filter(organization__code="sup").exists():
        return
    u = cast.user
    sup, soft, logi = cast.orgs["sup"], cast.orgs["soft"], cast.orgs["logi"]
    today = timezone.localdate()
    year = today.year
    services.rules_save(actor=u("sup-admin"), supervisor=sup, data={
        "window_opens": today - dt.timedelta(days=7), "window_closes": today + dt.timedelta(days=45)})

    # The responsibility list of the year, signed.
    services.responsibility_save(actor=u("soft-admin"), org=soft, year=year,
                                 principal=u("soft-principal"), holders=[
                                     (Duty.RESPONSIBILITY, u("soft-principal"), ""),
                                     (Duty.EVENTS, u("soft-editor"), ""),
                                     (Duty.CHANNELS, u("soft-reviewer"), ""),
                                     (Duty.EDUCATION, u("soft-admin"), "")])
    rlist = services.responsibility_list(soft, year)
    services.responsibility_sign(actor=u("soft-principal"), rlist=rlist)

    _last_year(cast, year - 1)

    # This year's key tasks, issued to every association below `sup`.
    template = services.template_create(actor=u("sup-admin"), org=sup, year=year,
                                        title=f"{year} 年度意识形态工作要点",
                                        note="请各协会在规定时间内认领并分解落实。")
    for title, duty, kind, evidence in KEY_TASKS:
        services.template_item_add(actor=u("sup-admin"), template=template, data={
            "title": title, "duty": duty, "evidence_kind": kind, "evidence_required": evidence})
    services.template_issue(actor=u("sup-admin"), template=template,
                            today=today - dt.timedelta(days=30))
    # `logi` has let its adoption date pass.
    Plan.objects.filter(organization=logi, year=year).update(
        adoption_due=today - dt.timedelta(days=14))

    plan = Plan.objects.get(organization=soft, year=year)
    owners = ["soft-principal", "soft-editor", "soft-editor", "soft-reviewer", "soft-admin",
              "soft-admin"]
    dues = [_day(year, 3, 31), _day(year, 12, 20), _day(year, 9, 30), _day(year, 11, 30),
            _day(year, 12, 25), _day(year, 11, 15)]
    items = list(plan.items.order_by("pk"))
    for item, owner, due in zip(items, owners, dues, strict=True):
        services.item_update(actor=u("soft-principal"), item=item,
                             data={"owner": u(owner), "due_date": due})
    services.plan_adopt(actor=u("soft-principal"), plan=plan)
    own = services.item_add(actor=u("soft-principal"), plan=plan, data={
        "title": "编印协会年度宣传册", "duty": Duty.CHANNELS, "owner": u("soft-editor"),
        "due_date": _day(year, 10, 31), "evidence_kind": EvidenceKind.DOCUMENT})
    services.item_add(actor=u("soft-principal"), plan=plan, data={
        "title": "年终开展意识形态工作自查", "duty": Duty.MANAGEMENT, "owner": u("soft-principal"),
        "due_date": _day(year, 12, 28), "evidence_kind": EvidenceKind.DOCUMENT,
        "evidence_required": "自查报告"})
    plan = services.plan_submit(actor=u("soft-principal"), plan=plan)
    plan = services.plan_acknowledge(actor=u("sup-approver"), plan=plan, revision=plan.revision,
                                     comment="同意，请抓好落实。")
    responsibility, meetings, events, channels, study, codes = items

    # Done and assessed.
    services.item_report(actor=u("soft-principal"), item=responsibility,
                         text="责任清单已由主要负责人签字确认。", progress=100)
    services.item_attach(actor=u("soft-principal"), item=responsibility,
                         upload=_evidence_file("责任清单签字页.txt"))
    services.item_claim_done(actor=u("soft-principal"), item=responsibility)
    services.item_assess(actor=u("sup-approver"), item=responsibility, score=95,
                         comment="责任明确，落实到位。")
    # Done with an approved filing and a published article as evidence.
    filing, article = _first(soft, "events.filing"), _first(soft, "publications.publication")
    if filing:
        services.item_report(actor=u("soft-editor"), item=events, text="年度论坛已按规定报备并获批准。",
                             progress=80, link_kind="events.filing", link_id=filing)
    if article:
        services.item_report(actor=u("soft-editor"), item=events, text="活动报道已按三审发布。",
                             link_kind="publications.publication", link_id=article)
    if not (filing or article):
        services.item_attach(actor=u("soft-editor"), item=events, upload=_evidence_file())
    services.item_claim_done(actor=u("soft-editor"), item=events)
    # Done, then returned for rectification.
    services.item_report(actor=u("soft-reviewer"), item=channels, text="已建立三审台账。",
                         progress=100)
    services.item_attach(actor=u("soft-reviewer"), item=channels, upload=_evidence_file("三审台账.txt"))
    services.item_claim_done(actor=u("soft-reviewer"), item=channels)
    services.item_return(actor=u("sup-approver"), item=channels,
                         comment="台账缺少第四季度的终审记录，请补充。", due=today + dt.timedelta(days=10))
    # In progress; not started but not yet due; overdue; dropped.
    services.item_report(actor=u("soft-admin"), item=study, text="已开展 4 次集中学习。", progress=60)
    services.item_report(actor=u("soft-editor"), item=meetings, text="已召开三次专题会议。",
                         progress=75)
    services.item_drop(actor=u("soft-principal"), item=own, reason="经费调整，宣传册改为电子版并入网站建设。")
    assert codes.status == "not_started"


def _last_year(cast: Any, year: int) -> None:
    """Last year's plan of `soft`: carried out and assessed with a grade."""
    u = cast.user
    soft = cast.orgs["soft"]
    plan = services.plan_get_or_create(actor=u("soft-principal"), org=soft, year=year)
    specs = [("制定年度意识形态工作要点", Duty.LEADERSHIP, 92), ("开展行业自律宣传月活动", Duty.CODES, 85),
             ("完成网站内容三审制度建设", Duty.CHANNELS, 88)]
    made = []
    for title, duty, _score in specs:
        made.append(services.item_add(actor=u("soft-principal"), plan=plan, data={
            "title": title, "duty": duty, "owner": u("soft-editor"),
            "due_date": _day(year, 11, 30)}))
    plan = services.plan_submit(actor=u("soft-principal"), plan=plan)
    plan = services.plan_acknowledge(actor=u("sup-approver"), plan=plan, revision=plan.revision)
    for item, (_title, _duty, score) in zip(made, specs, strict=True):
        services.item_attach(actor=u("soft-editor"), item=item, upload=_evidence_file())
        services.item_claim_done(actor=u("soft-editor"), item=item)
        services.item_assess(actor=u("sup-approver"), item=item, score=score)
    services.plan_grade(actor=u("sup-approver"), plan=plan, score=services.suggested_score(plan),
                        comment="工作扎实，成效明显。")
    PlanItem.objects.filter(plan=plan).update(created_at=timezone.now() - dt.timedelta(days=365))
