"""Plans in a given state, for the tests and the isolation matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guildhall.plans import services
from guildhall.plans.models import Duty, Plan, PlanItem, PlanRules, PlanTemplate

YEAR = 2030


def txt(name: str = "evidence.txt", text: str = "证明材料") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def open_window(supervisor: Any, actor: Any) -> PlanRules:
    today = timezone.localdate()
    return services.rules_save(actor=actor, supervisor=supervisor, data={
        "window_opens": today - dt.timedelta(days=1), "window_closes": today + dt.timedelta(days=30)})


def make_template(cast: Any, supervisor: Any, *, tasks: int = 2, year: int = YEAR) -> PlanTemplate:
    admin = cast.user(f"{supervisor.code}-admin")
    template = services.template_create(actor=admin, org=supervisor, year=year, title="重点任务")
    for n in range(tasks):
        services.template_item_add(actor=admin, template=template, data={
            "title": f"重点任务{n + 1}", "duty": Duty.EVENTS})
    return template


def make_plan(cast: Any, org: Any, state: str = "draft", *, year: int = YEAR, items: int = 2) -> Plan:
    """A plan of `org` walked to `state`: draft, to_adopt (key tasks issued, owners and dates
    given), submitted, acknowledged, evidence (acknowledged, a file on the first item),
    done_item (that item claimed done)."""
    u = cast.user
    code = org.code
    if state == "to_adopt":
        supervisor = org.parent
        template = make_template(cast, supervisor, year=year)
        services.template_issue(actor=u(f"{supervisor.code}-admin"), template=template,
                                recipients=[org])
        plan = Plan.objects.get(organization=org, year=year)
        for item in plan.items.all():
            services.item_update(actor=u(f"{code}-principal"), item=item, data={
                "owner": u(f"{code}-editor"), "due_date": dt.date(year, 6, 30)})
        return plan
    plan = services.plan_get_or_create(actor=u(f"{code}-principal"), org=org, year=year)
    for n in range(items):
        services.item_add(actor=u(f"{code}-principal"), plan=plan, data={
            "title": f"工作{n + 1}", "duty": Duty.EVENTS, "owner": u(f"{code}-editor"),
            "due_date": dt.date(year, 6, 30)})
    if state == "draft":
        return plan
    plan = services.plan_submit(actor=u(f"{code}-principal"), plan=plan)
    if state == "submitted":
        return plan
    plan = services.plan_acknowledge(actor=u(f"{org.parent.code}-approver"), plan=plan,
                                     revision=plan.revision)
    if state == "acknowledged":
        return plan
    item = plan.items.order_by("pk").first()
    services.item_attach(actor=u(f"{code}-editor"), item=item, upload=txt())
    if state == "evidence":
        return plan
    services.item_claim_done(actor=u(f"{code}-editor"), item=item)
    if state == "done_item":
        return plan
    raise ValueError(state)


def first_item(plan: Plan) -> PlanItem:
    return plan.items.order_by("pk").first()
