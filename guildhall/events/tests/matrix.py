from django.core.files.uploadedfile import SimpleUploadedFile

from guildhall.core.tests.matrix import ALL_ASSOCIATION, ALL_SUPERVISOR
from guildhall.records.models import Attachment, Finding
from guildhall.testing import MatrixCase, matrix_case

# Filings belong to associations only: filing cases try soft (own / sibling) and chem
# (the other hierarchy); the organization pages try every organization.
FILING_TARGETS = ("soft", "logi", "chem")
FILERS = {"association": {"principal", "editor"}}
SEE = {"association": ALL_ASSOCIATION}
SEE_ABOVE = {"association": ALL_SUPERVISOR}
APPROVER = {"association": {"approver"}}
_CACHE: dict = {}


def _filing(state):
    def build(cast, org):
        from guildhall.events.tests.factories import make_filing

        key = (id(cast), state, org.pk)
        if key not in _CACHE:
            _CACHE[key] = make_filing(cast, org, state)
        return {"org_id": org.pk, "filing_id": _CACHE[key].pk}
    return build


def _api(state):
    page = _filing(state)

    def build(cast, org):
        return {"filing_id": page(cast, org)["filing_id"]}
    return build


def _attachment(cast, org):
    kwargs = _filing("with_attachment")(cast, org)
    return {**kwargs, "attachment_id": Attachment.objects.filter(
        events_filing__id=kwargs["filing_id"]).values_list("pk", flat=True).first()}


def _finding(cast, org):
    kwargs = _filing("foreign_findings")(cast, org)
    return {**kwargs, "finding_id": Finding.objects.filter(
        events_filing__id=kwargs["filing_id"]).values_list("pk", flat=True).first()}


def _feed(cast, org):
    from guildhall.events.services import feed_for

    return {"token": feed_for(cast.orgs["soft"]).token}


def _org(cast, org):
    return {"org_id": org.pk}


def _revision(cast, org):
    return {"revision": _revision_of(cast, org), "comment": "matrix"}


def _revision_of(cast, org):
    from guildhall.events.models import Filing

    key = (id(cast), "submitted", org.pk)
    return Filing.objects.get(pk=_CACHE[key].pk).revision if key in _CACHE else 0


def _signoff_revision(cast, org):
    from guildhall.events.models import Filing

    key = (id(cast), "signoff", org.pk)
    return {"revision": Filing.objects.get(pk=_CACHE[key].pk).revision, "comment": ""}


def _start(days=40, hour=9):
    from guildhall.events.tests.factories import at

    return at(days, hour)


def _filing_form(cast, org):
    """A valid body of the filing form (the page's edit)."""
    from django.utils import timezone

    return {"title": "矩阵研讨会", "type": "seminar", "venue": "会议室", "organizer": org.name,
            "starts_at": timezone.localtime(_start()).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(_start(40, 12)).strftime("%Y-%m-%dT%H:%M"),
            "expected_attendance": "20"}


def _create_body(cast, org):
    """A valid API create body for a filing of `org` (the organization is in the body)."""
    return {"organization": org.pk, "title": "矩阵研讨会", "type": "seminar", "venue": "会议室",
            "starts_at": _start().isoformat(), "ends_at": _start(40, 12).isoformat()}


def _rules_form(cast, org):
    from guildhall.events.models import EventType

    return {"require_signoff": "on", "approval_steps": "1", "contingency_threshold": "200",
            "decision_days": "3", "summary_days": "5", "halt_opens_hours": "2",
            **{f"lead_{value}": "5" for value in EventType.values}}


def _upload(cast, org):
    return {"file": SimpleUploadedFile("m.txt", "材料".encode(), content_type="text/plain")}


# ---- organization pages ----
matrix_case(MatrixCase("events:filing_list", build=_org, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("events:filing_queue", build=_org, own={"supervisor": ALL_SUPERVISOR}))
matrix_case(MatrixCase("events:filing_new", build=_org, own=FILERS))
matrix_case(MatrixCase("events:filing_new", build=_org, own=FILERS, method="POST",
                       data=_filing_form, ok_statuses=(302,)))
matrix_case(MatrixCase("events:event_calendar", build=_org,
                       own={"association": ALL_ASSOCIATION, "supervisor": ALL_SUPERVISOR},
                       above=SEE_ABOVE))
matrix_case(MatrixCase("events:feed_regenerate", build=_org, method="POST",
                       own={"association": {"principal", "admin"}, "supervisor": {"admin"}}))
matrix_case(MatrixCase("events:filing_rules", build=_org, own={"supervisor": {"admin"}}))
matrix_case(MatrixCase("events:filing_rules", build=_org, own={"supervisor": {"admin"}}, method="POST",
                       data=_rules_form, ok_statuses=(302,)))
matrix_case(MatrixCase("events:event_feed", public=True, build=_feed))

# ---- a filing ----
def filing_case(name, state, own=None, above=None, **kw):
    matrix_case(MatrixCase(name, build=_filing(state), own=own or {}, above=above or {},
                           targets=FILING_TARGETS, **kw))


filing_case("events:filing_detail", "draft", SEE, SEE_ABOVE)
filing_case("events:filing_diff", "draft", SEE, SEE_ABOVE)
filing_case("events:filing_approval_form", "draft", SEE, SEE_ABOVE)
filing_case("events:filing_edit", "draft", FILERS)
filing_case("events:filing_edit", "draft", FILERS, method="POST", data=_filing_form, ok_statuses=(302,))
filing_case("events:filing_submit", "draft", FILERS, method="POST")
filing_case("events:filing_cancel", "draft", FILERS, method="POST", data=lambda c, o: {"reason": "x"})
filing_case("events:filing_withdraw", "submitted", FILERS, method="POST")
filing_case("events:filing_sign_off", "signoff", {"association": {"principal"}}, method="POST",
            data=_signoff_revision)
for _name in ("events:filing_approve", "events:filing_return", "events:filing_reject"):
    filing_case(_name, "submitted", above=APPROVER, method="POST", data=_revision)
filing_case("events:filing_halt", "underway", {"association": {"principal", "staff"}})
filing_case("events:filing_halt", "underway", {"association": {"principal", "staff"}}, method="POST",
            data=lambda c, o: {"reason": "停电", "actions_taken": "疏散"}, ok_statuses=(302,))
filing_case("events:filing_summary", "ended", FILERS)
filing_case("events:filing_summary", "ended", FILERS, method="POST",
            data=lambda c, o: {"what_happened": "按计划举行", "attendance": "10"},
            ok_statuses=(302,))
filing_case("events:filing_acknowledge_summary", "summarized", above=APPROVER, method="POST")
filing_case("events:attachment_upload", "draft", FILERS, method="POST", data=_upload)
matrix_case(MatrixCase("events:attachment_download", build=_attachment, own=SEE, above=SEE_ABOVE,
                       targets=FILING_TARGETS))
matrix_case(MatrixCase("events:attachment_remove", build=_attachment, own=FILERS, method="POST",
                       targets=FILING_TARGETS))
matrix_case(MatrixCase("events:finding_acknowledge", build=_finding, own={"association": {"principal"}},
                       method="POST", data=lambda c, o: {"reason": "需要"},
                       targets=FILING_TARGETS))

# ---- the API ----
matrix_case(MatrixCase("api:event_list", everyone=True, api=True))
# Creating: the organization is in the body; one the persona cannot see answers 404.
matrix_case(MatrixCase("api:event_list", method="POST", json=True, api=True,
                       build=lambda c, o: {}, data=_create_body, own=FILERS,
                       targets=FILING_TARGETS, ok_statuses=(201,)))


def api_case(name, state, own=None, above=None, **kw):
    matrix_case(MatrixCase(name, build=_api(state), own=own or {}, above=above or {},
                           targets=FILING_TARGETS, api=True, **kw))


api_case("api:event_detail", "draft", SEE, SEE_ABOVE)
api_case("api:event_detail", "draft", FILERS, method="PATCH", json=True,
         data=lambda c, o: {"title": "矩阵改过的标题"})
api_case("api:event_submit", "draft", FILERS, method="POST")
api_case("api:event_cancel", "draft", FILERS, method="POST", data=lambda c, o: {"reason": "x"})
api_case("api:event_withdraw", "submitted", FILERS, method="POST")
api_case("api:event_sign_off", "signoff", {"association": {"principal"}}, method="POST",
         data=_signoff_revision)
for _name in ("api:event_approve", "api:event_return", "api:event_reject"):
    api_case(_name, "submitted", above=APPROVER, method="POST", data=_revision)
api_case("api:event_halt", "underway", {"association": {"principal", "staff"}}, method="POST",
         data=lambda c, o: {"reason": "停电", "actions_taken": "疏散"})
api_case("api:event_acknowledge_summary", "summarized", above=APPROVER, method="POST")
matrix_case(MatrixCase("api:event_finding_acknowledge", api=True, method="POST",
                       build=lambda c, o: {k: v for k, v in _finding(c, o).items() if k != "org_id"},
                       own={"association": {"principal"}}, data=lambda c, o: {"reason": "需要"},
                       targets=FILING_TARGETS))
api_case("api:event_summary", "ended", FILERS, method="POST",
         data=lambda c, o: {"what_happened": "举行", "attendance": "10"})


# ---- several decisions from the queue (issue 9) ----
BULK_TARGETS = ("sup", "sup2", "soft")


def _bulk_filing(cast, org):
    """A submitted filing in `org`'s queue (of `org` itself when it is an association)."""
    from guildhall.events.models import Filing
    from guildhall.events.tests.factories import make_filing

    child = org if org.kind == "association" else next(
        o for o in cast.orgs.values() if o.parent_id == org.pk and o.kind == "association")
    key = (id(cast), "bulk", org.pk)
    found = Filing.objects.filter(pk=_CACHE[key].pk, status="submitted").first() \
        if key in _CACHE else None
    if found is None:  # decided, or gone with an earlier test class whose cast had this id
        found = _CACHE[key] = make_filing(cast, child, "submitted")
    return found


def _bulk_form(cast, org):
    filing = _bulk_filing(cast, org)
    return {"action": "approve", "comment": "matrix", "filing": f"{filing.pk}:{filing.revision}"}


def _bulk_body(cast, org):
    filing = _bulk_filing(cast, org)
    return {"organization": org.pk, "action": "approve", "comment": "matrix",
            "filings": [{"id": filing.pk, "revision": filing.revision}]}


matrix_case(MatrixCase("events:filing_queue_decide", build=_org, method="POST", data=_bulk_form,
                       own={"supervisor": {"approver"}}, targets=BULK_TARGETS,
                       ok_statuses=(302,)))
matrix_case(MatrixCase("api:event_decisions", method="POST", json=True, api=True,
                       build=lambda c, o: {}, data=_bulk_body, own={"supervisor": {"approver"}},
                       targets=BULK_TARGETS, ok_statuses=(200,)))
