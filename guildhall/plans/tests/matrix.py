from guildhall.core.tests.matrix import ALL_ASSOCIATION, ALL_SUPERVISOR
from guildhall.records.models import Attachment
from guildhall.testing import MatrixCase, matrix_case

TARGETS = ("soft", "logi", "chem")
SUPERVISORS = ("sup", "sup2", "soft")
SEE = {"association": ALL_ASSOCIATION}
SEE_ABOVE = {"association": ALL_SUPERVISOR}
PLANNERS = {"association": {"principal", "admin"}}
REPORTERS = {"association": {"principal", "admin", "editor"}}
PRINCIPAL = {"association": {"principal"}}
APPROVER = {"association": {"approver"}}
OVERSEE = {"supervisor": ALL_SUPERVISOR}
ISSUERS = {"supervisor": {"approver", "admin"}}
_CACHE: dict = {}
#: Each state's plan is of its own year, so that the plans of one organization never mix.
STATE_YEAR = {"draft": 2030, "to_adopt": 2032, "submitted": 2033, "acknowledged": 2034,
              "done_item": 2035, "evidence": 2036}


def _plan(state, window=False):
    def build(cast, org):
        from guildhall.plans.tests.factories import make_plan, open_window

        key = (id(cast), state, org.pk)
        if key not in _CACHE:
            if window:
                open_window(org.parent, cast.user(f"{org.parent.code}-admin"))
            _CACHE[key] = make_plan(cast, org, state, year=STATE_YEAR[state])
        return {"org_id": org.pk, "year": STATE_YEAR[state]}
    return build


def _item(state, window=False):
    plan = _plan(state, window)

    def build(cast, org):
        from guildhall.plans.models import Plan

        kwargs = plan(cast, org)
        item = Plan.objects.get(organization=org, year=kwargs["year"]).items.order_by("pk").first()
        return {"org_id": org.pk, "item_id": item.pk}
    return build


def _subject(state):
    item = _item(state)
    return lambda cast, org: {"org_id": org.pk, "subject_id": item(cast, org)["item_id"]}


def _attachment(cast, org):
    from guildhall.plans import services
    from guildhall.plans.models import PlanItem
    from guildhall.plans.tests.factories import txt

    kwargs = _subject("acknowledged")(cast, org)
    key = (id(cast), "attachment", org.pk)
    if key not in _CACHE:
        item = PlanItem.objects.get(pk=kwargs["subject_id"])
        _CACHE[key] = services.item_attach(actor=cast.user(f"{org.code}-editor"), item=item,
                                           upload=txt())
    return {**kwargs, "attachment_id": Attachment.objects.get(pk=_CACHE[key].pk).pk}


def _template(with_items=True):
    def build(cast, org):
        from guildhall.plans.tests.factories import make_template

        # Templates are the supervising bodies'; an association stands for its body only
        # in the anonymous cell.
        org = org if org.is_supervisor else org.parent
        key = (id(cast), "template", with_items, org.pk)
        if key not in _CACHE:
            _CACHE[key] = make_template(cast, org, tasks=2 if with_items else 0)
        return {"org_id": org.pk, "template_id": _CACHE[key].pk}
    return build


def _template_item(cast, org):
    kwargs = _template()(cast, org)
    from guildhall.plans.models import TemplateItem

    return {**kwargs, "item_id": TemplateItem.objects.filter(
        template_id=kwargs["template_id"]).values_list("pk", flat=True).first()}


def _org(cast, org):
    return {"org_id": org.pk}


def _year(year):
    return lambda cast, org: {"org_id": org.pk, "year": year}


def _list_form(cast, org):
    from guildhall.plans.models import Duty

    return {"principal": cast.user(f"{org.code}-principal").pk,
            f"duty_{Duty.EVENTS}": cast.user(f"{org.code}-editor").pk}


def _draft_list(cast, org):
    from guildhall.plans import services
    from guildhall.plans.models import Duty

    key = (id(cast), "list", org.pk)
    if key not in _CACHE:
        _CACHE[key] = services.responsibility_save(
            actor=cast.user(f"{org.code}-principal"), org=org, year=2030,
            principal=cast.user(f"{org.code}-principal"),
            holders=[(Duty.EVENTS, cast.user(f"{org.code}-editor"), "")])
    return {"org_id": org.pk, "year": 2030}


def _item_form(cast, org):
    return {"title": "矩阵工作", "duty": "events", "evidence_kind": "document",
            "owner": cast.user(f"{org.code}-editor").pk, "due_date": "2030-06-30"}


def _decision(cast, org):
    from guildhall.plans.models import Plan

    plan = Plan.objects.filter(organization=org, year=STATE_YEAR["submitted"]).first()
    return {"revision": plan.revision if plan else 1, "comment": "矩阵"}


def _adopt_form(cast, org):
    from guildhall.plans.models import Plan

    year = STATE_YEAR["to_adopt"]
    plan = Plan.objects.filter(organization=org, year=year).first()
    data = {}
    for item in plan.items.all() if plan else []:
        data[f"i{item.pk}-owner"] = cast.user(f"{org.code}-editor").pk
        data[f"i{item.pk}-due_date"] = f"{year}-06-30"
    return data


def _approved_filing(cast, org):
    from guildhall.events.tests.factories import make_filing

    key = (id(cast), "filing", org.pk)
    if key not in _CACHE:
        _CACHE[key] = make_filing(cast, org, "approved")
    return {"kind": "events.filing", "target": _CACHE[key].pk}


def _upload(cast, org):
    from guildhall.plans.tests.factories import txt

    return {"file": txt("m.txt")}


def _rules_form(cast, org):
    return {"adoption_days": "10", "window_opens": "2030-01-01", "window_closes": "2030-02-01",
            "bands": "优秀 90\n合格 60\n不合格 0"}


def _return_form(cast, org):
    from django.utils import timezone

    return {"comment": "请补充", "due": (timezone.localdate().replace(year=2031)).isoformat()}


def case(name, build, own=None, above=None, targets=TARGETS, **kw):
    matrix_case(MatrixCase(name, build=build, own=own or {}, above=above or {}, targets=targets,
                           **kw))


# ---- the association's pages ----
case("plans:responsibility_current", _org, SEE, SEE_ABOVE)
case("plans:responsibility", _year(2030), SEE, SEE_ABOVE)
case("plans:responsibility_edit", _year(2030), PLANNERS)
case("plans:responsibility_edit", _year(2030), PLANNERS, method="POST", data=_list_form,
     ok_statuses=(302,))
case("plans:responsibility_sign", _draft_list, PRINCIPAL, method="POST", ok_statuses=(302,))
case("plans:plan_current", _org, SEE, SEE_ABOVE)
case("plans:plan_detail", _plan("draft"), SEE, SEE_ABOVE)
case("plans:plan_diff", _plan("submitted"), SEE, SEE_ABOVE)
case("plans:plan_create", _year(2031), PLANNERS, method="POST", ok_statuses=(302,))
case("plans:item_new", _plan("draft"), PLANNERS)
case("plans:item_new", _plan("draft"), PLANNERS, method="POST", data=_item_form,
     ok_statuses=(302,))
case("plans:plan_adopt", _plan("to_adopt"), PRINCIPAL, method="POST", data=_adopt_form,
     ok_statuses=(302,))
case("plans:plan_submit", _plan("draft"), PRINCIPAL, method="POST", ok_statuses=(302,))
case("plans:plan_acknowledge", _plan("submitted"), above=APPROVER, method="POST", data=_decision,
     ok_statuses=(302,))
case("plans:plan_return", _plan("submitted"), above=APPROVER, method="POST", data=_decision,
     ok_statuses=(302,))
case("plans:plan_grade", _plan("acknowledged", window=True), above=APPROVER, method="POST",
     data=lambda c, o: {"score": "88", "comment": "良好"}, ok_statuses=(302,))

# ---- an item ----
case("plans:item_detail", _item("draft"), SEE, SEE_ABOVE)
case("plans:item_edit", _item("draft"), PLANNERS)
case("plans:item_edit", _item("draft"), PLANNERS, method="POST",
     data=lambda c, o: {**_item_form(c, o), "title": "改过的工作"}, ok_statuses=(302,))
case("plans:item_report", _item("acknowledged"), REPORTERS, method="POST",
     data=lambda c, o: {"text": "已推进", "progress": "40"}, ok_statuses=(302,))
case("plans:item_claim", _item("evidence"), {"association": {"principal", "editor"}}, method="POST",
     ok_statuses=(302,))
case("plans:item_drop", _item("acknowledged"), PLANNERS, method="POST",
     data=lambda c, o: {"reason": "调整"}, ok_statuses=(302,))
case("plans:item_assess", _item("done_item", window=True), above=APPROVER, method="POST",
     data=lambda c, o: {"score": "90", "comment": "好"}, ok_statuses=(302,))
case("plans:item_return", _item("done_item", window=True), above=APPROVER, method="POST",
     data=_return_form, ok_statuses=(302,))
case("plans:attachment_upload", _subject("acknowledged"), REPORTERS, method="POST", data=_upload,
     ok_statuses=(302,))
case("plans:attachment_download", _attachment, SEE, SEE_ABOVE)
case("plans:attachment_remove", _attachment, REPORTERS, method="POST", ok_statuses=(302,))

# ---- the supervisor's pages ----
case("plans:overview", _org, OVERSEE, targets=SUPERVISORS)
case("plans:assessment_queue", _org, OVERSEE, targets=SUPERVISORS)
case("plans:plan_rules", _org, {"supervisor": {"admin"}}, targets=SUPERVISORS)
case("plans:plan_rules", _org, {"supervisor": {"admin"}}, targets=SUPERVISORS, method="POST",
     data=_rules_form, ok_statuses=(302,))
case("plans:template_list", _org, OVERSEE, targets=SUPERVISORS)
case("plans:template_list", _org, ISSUERS, targets=SUPERVISORS, method="POST",
     data=lambda c, o: {"year": "2030", "title": "矩阵任务"}, ok_statuses=(302,))
case("plans:template_detail", _template(), {"supervisor": ALL_SUPERVISOR}, targets=("sup", "sup2"))
case("plans:template_detail", _template(), ISSUERS, targets=("sup", "sup2"), method="POST",
     data=lambda c, o: {"title": "新任务", "duty": "events", "evidence_kind": "document"},
     ok_statuses=(302,))
case("plans:template_item_remove", _template_item, ISSUERS, targets=("sup", "sup2"),
     method="POST", ok_statuses=(302,))
case("plans:template_issue", _template(), ISSUERS, targets=("sup", "sup2"), method="POST",
     ok_statuses=(302,))


# ---- the API ----
def _api_plan(state, window=False):
    return _plan(state, window)


def _api_item(state, window=False):
    item = _item(state, window)
    return lambda cast, org: {"item_id": item(cast, org)["item_id"]}


def _api_template(with_items=True):
    template = _template(with_items)
    return lambda cast, org: {"template_id": template(cast, org)["template_id"]}


def api(name, build, own=None, above=None, targets=TARGETS, **kw):
    matrix_case(MatrixCase(name, build=build, own=own or {}, above=above or {}, targets=targets,
                           api=True, **kw))


api("api:responsibility_detail", _year(2030), SEE, SEE_ABOVE)
api("api:responsibility_detail", _year(2030), PLANNERS, method="PUT", json=True,
    data=lambda c, o: {"principal": c.user(f"{o.code}-principal").pk,
                       "holders": [{"duty": "events", "member": c.user(f"{o.code}-editor").pk}]})
api("api:responsibility_sign", _draft_list, PRINCIPAL, method="POST")
api("api:plan_detail", _api_plan("draft"), SEE, SEE_ABOVE)
api("api:plan_detail", _year(2031), PLANNERS, method="POST", ok_statuses=(201,))
api("api:plan_adopt", _api_plan("to_adopt"), PRINCIPAL, method="POST")
api("api:plan_submit", _api_plan("draft"), PRINCIPAL, method="POST")
api("api:plan_acknowledge", _api_plan("submitted"), above=APPROVER, method="POST", json=True,
    data=_decision)
api("api:plan_return", _api_plan("submitted"), above=APPROVER, method="POST", json=True,
    data=_decision)
api("api:plan_grade", _api_plan("acknowledged", window=True), above=APPROVER, method="POST",
    json=True, data=lambda c, o: {"score": 88, "comment": "良好"})
api("api:item_list", _api_plan("draft"), PLANNERS, method="POST", json=True,
    data=lambda c, o: {"title": "接口工作", "duty": "events"}, ok_statuses=(201,))
api("api:item_detail", _api_item("draft"), SEE, SEE_ABOVE)
api("api:item_detail", _api_item("draft"), PLANNERS, method="PATCH", json=True,
    data=lambda c, o: {"title": "接口改过"})
api("api:item_report", _api_item("acknowledged"), REPORTERS, method="POST", json=True,
    data=lambda c, o: {"text": "已推进", "progress": 30})
api("api:item_link", _api_item("acknowledged"), REPORTERS, method="POST", json=True,
    data=_approved_filing)
api("api:item_claim", _api_item("evidence"), {"association": {"principal", "editor"}},
    method="POST", json=True, data=lambda c, o: {})
api("api:item_drop", _api_item("acknowledged"), PLANNERS, method="POST", json=True,
    data=lambda c, o: {"reason": "调整"})
api("api:item_assess", _api_item("done_item", window=True), above=APPROVER, method="POST",
    json=True, data=lambda c, o: {"score": 90})
api("api:item_return", _api_item("done_item", window=True), above=APPROVER, method="POST",
    json=True, data=_return_form)
api("api:template_list", _org, ISSUERS, targets=SUPERVISORS, method="POST", json=True,
    data=lambda c, o: {"year": 2030, "title": "接口任务"}, ok_statuses=(201,))
api("api:template_detail", _api_template(), {"supervisor": ALL_SUPERVISOR}, targets=("sup", "sup2"))
api("api:template_items", _api_template(), ISSUERS, targets=("sup", "sup2"), method="POST",
    json=True, data=lambda c, o: {"title": "接口新任务", "duty": "events"})
api("api:template_issue", _api_template(), ISSUERS, targets=("sup", "sup2"), method="POST",
    json=True, data=lambda c, o: {})
