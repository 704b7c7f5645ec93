from django.core.files.uploadedfile import SimpleUploadedFile

from guildhall.core.tests.matrix import ALL_ASSOCIATION, ALL_SUPERVISOR
from guildhall.testing import MatrixCase, matrix_case

# Meetings belong to associations only: soft (own / sibling) and chem (the other hierarchy).
TARGETS = ("soft", "logi", "chem")
RECORDERS = {"association": {"principal", "admin", "editor"}}
SEE = {"association": ALL_ASSOCIATION}
SEE_ABOVE = {"association": ALL_SUPERVISOR}
_CACHE: dict = {}


def _meeting(state):
    def build(cast, org):
        from guildhall.meetings.tests.factories import make_meeting

        key = (id(cast), state, org.pk)
        if key not in _CACHE:
            meeting = make_meeting(cast, org, "held" if state == "with_file" else state)
            if state == "with_file":
                from guildhall.meetings.services import attachment_add

                attachment_add(actor=_person(cast, org, "editor"), meeting=meeting,
                               upload=SimpleUploadedFile("纪要.txt", "纪要".encode(),
                                                         content_type="text/plain"))
            _CACHE[key] = meeting
        return {"org_id": org.pk, "meeting_id": _CACHE[key].pk}
    return build


def _api(state):
    page = _meeting(state)
    return lambda cast, org: {"meeting_id": page(cast, org)["meeting_id"]}


def _attachment(cast, org):
    from guildhall.records.models import Attachment

    kwargs = _meeting("with_file")(cast, org)
    return {**kwargs, "attachment_id": Attachment.objects.filter(
        meetings_meeting__id=kwargs["meeting_id"]).values_list("pk", flat=True).first()}


def _person(cast, org, role):
    """The organization's person in `role` (soft's for a supervising body, which has none)."""
    return cast.users.get(f"{org.code}-{role}") or cast.user(f"soft-{role}")


def _org(cast, org):
    return {"org_id": org.pk}


def _form(cast, org):
    from guildhall.meetings.tests.factories import at

    return {"title": "矩阵专题会", "held_at": at(-1).strftime("%Y-%m-%dT%H:%M"), "venue": "会议室",
            "chair": _person(cast, org, "principal").pk,
            "attendees": [_person(cast, org, "staff").pk], "other_attendees": "0",
            "conclusions": "结论一", "revision": "1"}


def _api_body(cast, org):
    from guildhall.meetings.tests.factories import at

    return {"organization": org.pk, "title": "矩阵专题会", "held_at": at(-1).isoformat(),
            "venue": "会议室", "chair": _person(cast, org, "principal").pk,
            "attendees": [_person(cast, org, "staff").pk], "conclusions": ["结论一"]}


def _with_plan(body):
    """Fill the annual plan's slot with the tests' stand-in when no plan module fills it,
    so that an allowed follow-up can succeed (the request itself is rolled back)."""
    def data(cast, org):
        from guildhall.kit import links
        from guildhall.meetings.tests.factories import fake_make_plan_item

        if not links.make_plan_item.available:
            links.make_plan_item.provide(fake_make_plan_item)
        return body(cast, org)
    return data


def _follow_up_form(cast, org):
    from guildhall.meetings.tests.factories import at

    return {"prefix": "c0", "c0-owner": _person(cast, org, "staff").pk,
            "c0-due_date": at(30).date().isoformat()}


def _follow_up_body(cast, org):
    from guildhall.meetings.tests.factories import at

    return {"conclusion": 0, "owner": _person(cast, org, "staff").pk,
            "due_date": at(30).date().isoformat()}


def _upload(cast, org):
    return {"file": SimpleUploadedFile("m.txt", "纪要".encode(), content_type="text/plain")}


def _rules(cast, org):
    return {"minimum_per_year": "3", "held_by_month": "10", "held_by_day": "31"}


# ---- organization pages ----
matrix_case(MatrixCase("meetings:meeting_list", build=_org, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("meetings:meeting_new", build=_org, own=RECORDERS))
matrix_case(MatrixCase("meetings:meeting_new", build=_org, own=RECORDERS, method="POST",
                       data=_form, ok_statuses=(302,)))
matrix_case(MatrixCase("meetings:meeting_overview", build=_org, own={"supervisor": ALL_SUPERVISOR}))
matrix_case(MatrixCase("meetings:meeting_rules", build=_org, own={"supervisor": {"admin"}}))
matrix_case(MatrixCase("meetings:meeting_rules", build=_org, own={"supervisor": {"admin"}},
                       method="POST", data=_rules, ok_statuses=(302,)))


# ---- a meeting ----
def meeting_case(name, state, own=None, above=None, **kw):
    matrix_case(MatrixCase(name, build=_meeting(state), own=own or {}, above=above or {},
                           targets=TARGETS, **kw))


meeting_case("meetings:meeting_detail", "draft", SEE, SEE_ABOVE)
meeting_case("meetings:meeting_diff", "draft", SEE, SEE_ABOVE)
meeting_case("meetings:meeting_minutes", "held", SEE, SEE_ABOVE)
meeting_case("meetings:meeting_edit", "draft", RECORDERS)
meeting_case("meetings:meeting_edit", "draft", RECORDERS, method="POST", data=_form,
             ok_statuses=(302,))
meeting_case("meetings:meeting_record", "draft", RECORDERS, method="POST", ok_statuses=(302,))
meeting_case("meetings:meeting_cancel", "draft", RECORDERS, method="POST",
             data=lambda c, o: {"reason": "改期"}, ok_statuses=(302,))
meeting_case("meetings:meeting_follow_up", "held", RECORDERS, method="POST",
             data=_with_plan(_follow_up_form), ok_statuses=(302,))
meeting_case("meetings:attachment_upload", "held", RECORDERS, method="POST", data=_upload,
             ok_statuses=(302,))
matrix_case(MatrixCase("meetings:attachment_download", build=_attachment, own=SEE, above=SEE_ABOVE,
                       targets=TARGETS))
matrix_case(MatrixCase("meetings:attachment_remove", build=_attachment, own=RECORDERS,
                       method="POST", targets=TARGETS, ok_statuses=(302,)))

# ---- the API ----
matrix_case(MatrixCase("api:meeting_list", everyone=True, api=True))
matrix_case(MatrixCase("api:meeting_list", method="POST", json=True, api=True,
                       build=lambda c, o: {}, data=_api_body, own=RECORDERS, targets=TARGETS,
                       ok_statuses=(201,)))


def api_case(name, state, own=None, above=None, **kw):
    matrix_case(MatrixCase(name, build=_api(state), own=own or {}, above=above or {},
                           targets=TARGETS, api=True, **kw))


api_case("api:meeting_detail", "draft", SEE, SEE_ABOVE)
api_case("api:meeting_detail", "draft", RECORDERS, method="PATCH", json=True,
         data=lambda c, o: {"title": "矩阵改过的主题"})
api_case("api:meeting_record", "draft", RECORDERS, method="POST")
api_case("api:meeting_cancel", "draft", RECORDERS, method="POST", data=lambda c, o: {"reason": "改期"})
api_case("api:meeting_follow_up", "held", RECORDERS, method="POST", json=True,
         data=_with_plan(_follow_up_body), ok_statuses=(201,))
matrix_case(MatrixCase("api:meeting_rules", build=_org, api=True, own={"supervisor": {"admin"}}))
matrix_case(MatrixCase("api:meeting_rules", build=_org, api=True, own={"supervisor": {"admin"}},
                       method="PUT", json=True, data=lambda c, o: {"minimum_per_year": 3}))
matrix_case(MatrixCase("api:meeting_counts", build=_org, api=True,
                       own={"supervisor": ALL_SUPERVISOR}))
