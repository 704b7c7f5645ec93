from django.core.files.uploadedfile import SimpleUploadedFile

from guildhall.core.tests.matrix import ALL_ASSOCIATION, ALL_SUPERVISOR
from guildhall.testing import MatrixCase, matrix_case

# Study records belong to associations only: soft (own / sibling) and chem (the other hierarchy).
TARGETS = ("soft", "logi", "chem")
RECORDERS = {"association": {"principal", "admin", "editor"}}
PRINCIPAL = {"association": {"principal"}}
PUBLISHERS = {"association": {"principal", "admin"}}
ADMIN = {"association": {"admin"}}
SEE = {"association": ALL_ASSOCIATION}
SEE_ABOVE = {"association": ALL_SUPERVISOR}
_CACHE: dict = {}


def _session(state):
    def build(cast, org):
        from guildhall.study.tests.factories import make_session

        key = (id(cast), "session", state, org.pk)
        if key not in _CACHE:
            session = make_session(cast, org, "draft" if state == "with_file" else state)
            if state == "with_file":
                from guildhall.study.services import attachment_add

                attachment_add(actor=cast.user(f"{org.code}-editor"), session=session,
                               upload=SimpleUploadedFile("纪要.txt", "纪要".encode(),
                                                         content_type="text/plain"))
            _CACHE[key] = session
        return {"org_id": org.pk, "session_id": _CACHE[key].pk}
    return build


def _code_obj(cast, org, state):
    from guildhall.study.tests.factories import make_code

    key = (id(cast), "code", state, org.pk)
    if key not in _CACHE:
        _CACHE[key] = make_code(cast, org, state, title=f"矩阵规约{state}")
    return _CACHE[key]


def _code(state):
    return lambda cast, org: {"org_id": org.pk, "code_id": _code_obj(cast, org, state).pk}


def _version(state):
    return lambda cast, org: {"org_id": org.pk, "version_id": _code_obj(
        cast, org, state).versions.get(number=1).pk}


def _api(build, *drop):
    def kwargs(cast, org):
        found = build(cast, org)
        return {k: v for k, v in found.items() if k not in ("org_id", *drop)}
    return kwargs


def _attachment(cast, org):
    from guildhall.records.models import Attachment

    kwargs = _session("with_file")(cast, org)
    return {**kwargs, "attachment_id": Attachment.objects.filter(
        study_studysession__id=kwargs["session_id"]).values_list("pk", flat=True).first()}


def _org(cast, org):
    return {"org_id": org.pk}


def _person(cast, org, role):
    return cast.users.get(f"{org.code}-{role}") or cast.user(f"soft-{role}")


def _held():
    import datetime as dt

    from django.utils import timezone

    return timezone.localtime() - dt.timedelta(hours=3)


def _form(cast, org):
    held = _held()
    return {"topic": "矩阵学习会", "form": "group", "held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "hours": "1.5", "venue": "会议室", "leader": "秘书长",
            "attendees": [_person(cast, org, "staff").pk], "other_attendees": "0",
            "minutes": "纪要", "revision": "1"}


def _api_body(cast, org):
    return {"organization": org.pk, "topic": "矩阵学习会", "form": "lecture",
            "held_at": _held().isoformat(), "hours": "1.5",
            "venue": "会议室", "leader": "秘书长", "attendees": [_person(cast, org, "staff").pk]}


def _code_form(cast, org):
    return {"title": "矩阵新规约", "kind": "ethics", "effective_date": "2026-01-01",
            "body": "一、诚实守信。"}


def _code_body(cast, org):
    return {"organization": org.pk, **_code_form(cast, org)}


def _version_form(cast, org):
    return {"effective_date": "2026-06-01", "body": "第一条 遵守法律。\n\n第二条 公平竞争。"}


def _upload(cast, org):
    return {"file": SimpleUploadedFile("m.txt", "纪要".encode(), content_type="text/plain")}


def case(name, build, own=None, above=None, **kw):
    matrix_case(MatrixCase(name, build=build, own=own or {}, above=above or {}, targets=TARGETS, **kw))


# ---- organization pages ----
matrix_case(MatrixCase("study:session_list", build=_org, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("study:session_new", build=_org, own=RECORDERS))
matrix_case(MatrixCase("study:session_new", build=_org, own=RECORDERS, method="POST", data=_form,
                       ok_statuses=(302,)))
matrix_case(MatrixCase("study:overview", build=_org, own={"supervisor": ALL_SUPERVISOR}))
matrix_case(MatrixCase("study:code_list", build=_org, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("study:code_new", build=_org, own=RECORDERS))
matrix_case(MatrixCase("study:code_new", build=_org, own=RECORDERS, method="POST",
                       data=_code_form, ok_statuses=(302,)))

# ---- a session ----
case("study:session_detail", _session("draft"), SEE, SEE_ABOVE)
case("study:session_edit", _session("draft"), RECORDERS)
case("study:session_edit", _session("draft"), RECORDERS, method="POST", data=_form,
     ok_statuses=(302,))
case("study:session_confirm", _session("draft"), PRINCIPAL, method="POST", ok_statuses=(302,))
case("study:session_correct", _session("confirmed"), RECORDERS)
case("study:session_correct", _session("confirmed"), RECORDERS, method="POST",
     data=lambda c, o: {**_form(c, o), "reason": "更正参加人员。"}, ok_statuses=(302,))
case("study:attachment_upload", _session("draft"), RECORDERS, method="POST", data=_upload,
     ok_statuses=(302,))
case("study:attachment_download", _attachment, SEE, SEE_ABOVE)
case("study:attachment_remove", _attachment, RECORDERS, method="POST", ok_statuses=(302,))

# ---- codes and versions ----
case("study:code_detail", _code("published"), SEE, SEE_ABOVE)
case("study:code_diff", _code("published"), SEE, SEE_ABOVE)
case("study:version_new", _code("published"), RECORDERS)
case("study:version_new", _code("published"), RECORDERS, method="POST", data=_version_form,
     ok_statuses=(302,))
case("study:version_detail", _version("published"), SEE, SEE_ABOVE)
case("study:version_edit", _version("draft"), RECORDERS)
case("study:version_edit", _version("draft"), RECORDERS, method="POST", data=_version_form,
     ok_statuses=(302,))
case("study:version_submit", _version("draft"), RECORDERS, method="POST", ok_statuses=(302,))
case("study:version_adopt", _version("in_review"), PRINCIPAL, method="POST", ok_statuses=(302,))
case("study:version_return", _version("in_review"), PRINCIPAL, method="POST",
     data=lambda c, o: {"comment": "请补充第三条。", "revision": "1"}, ok_statuses=(302,))
matrix_case(MatrixCase("study:code_rules", build=_org, own=ADMIN))
matrix_case(MatrixCase("study:code_rules", build=_org, own=ADMIN, method="POST",
                       data=lambda c, o: {"step_1": "reviewer"}, ok_statuses=(302,)))
case("study:version_publish", _version("adopted"), PUBLISHERS, method="POST", ok_statuses=(302,))
case("study:version_acknowledge", _version("published"), SEE, method="POST", ok_statuses=(302,))

# ---- the API ----
matrix_case(MatrixCase("api:study_session_list", everyone=True, api=True))
matrix_case(MatrixCase("api:study_session_list", method="POST", json=True, api=True,
                       build=lambda c, o: {}, data=_api_body, own=RECORDERS, targets=TARGETS,
                       ok_statuses=(201,)))
case("api:study_session_detail", _api(_session("draft")), SEE, SEE_ABOVE, api=True)
case("api:study_session_detail", _api(_session("draft")), RECORDERS, api=True, method="PATCH",
     json=True, data=lambda c, o: {"topic": "改过的主题"})
case("api:study_session_confirm", _api(_session("draft")), PRINCIPAL, api=True, method="POST")
matrix_case(MatrixCase("api:study_figures", build=_org, api=True, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("api:study_overview", build=_org, api=True,
                       own={"supervisor": ALL_SUPERVISOR}))
matrix_case(MatrixCase("api:study_codes_below", build=_org, api=True,
                       own={"supervisor": ALL_SUPERVISOR}))
matrix_case(MatrixCase("api:study_code_list", everyone=True, api=True))
matrix_case(MatrixCase("api:study_code_list", method="POST", json=True, api=True,
                       build=lambda c, o: {}, data=_code_body, own=RECORDERS, targets=TARGETS,
                       ok_statuses=(201,)))
case("api:study_version_new", _api(_code("published")), RECORDERS, api=True, method="POST",
     json=True, data=_version_form, ok_statuses=(201,))
case("api:study_version_detail", _api(_version("published")), SEE, SEE_ABOVE, api=True)
case("api:study_version_detail", _api(_version("draft")), RECORDERS, api=True, method="PATCH",
     json=True, data=lambda c, o: {"body": "第一条 改过。"})
case("api:study_version_submit", _api(_version("draft")), RECORDERS, api=True, method="POST")
case("api:study_version_adopt", _api(_version("in_review")), PRINCIPAL, api=True, method="POST")
case("api:study_version_return", _api(_version("in_review")), PRINCIPAL, api=True, method="POST",
     json=True, data=lambda c, o: {"comment": "请补充第三条。"})
matrix_case(MatrixCase("api:study_code_rules", build=_org, api=True, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("api:study_code_rules", build=_org, api=True, own=ADMIN, method="PUT",
                       json=True, data=lambda c, o: {"steps_before": ["reviewer"]}))
case("api:study_session_correct", _api(_session("confirmed")), RECORDERS, api=True,
     method="POST", json=True,
     data=lambda c, o: {"reason": "更正其他参加人数。", "other_attendees": 4, "revision": 1})
case("api:study_version_publish", _api(_version("adopted")), PUBLISHERS, api=True, method="POST")
case("api:study_version_acknowledge", _api(_version("published")), SEE, api=True, method="POST")


# ---- the study plan ----
def _topic(cast, org):
    from guildhall.study.tests.factories import make_topic

    key = (id(cast), "topic", org.pk)
    if key not in _CACHE:
        _CACHE[key] = make_topic(cast, org)
    return {"org_id": org.pk, "topic_id": _CACHE[key].pk}


def _topic_form(cast, org):
    return {"month": "5", "topic": "矩阵学习主题", "form": "group", "materials": "",
            "responsible": str(_person(cast, org, "staff").pk)}


matrix_case(MatrixCase("study:plan", build=_org, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("study:plan", build=_org, own=RECORDERS, method="POST", data=_topic_form,
                       ok_statuses=(302,)))
case("study:topic_delete", _topic, RECORDERS, method="POST", ok_statuses=(302,))
matrix_case(MatrixCase("api:study_plan", build=_org, api=True, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("api:study_plan", build=_org, api=True, own=RECORDERS, method="POST",
                       json=True, data=lambda c, o: {"year": 2026, "month": 6, "topic": "矩阵主题"},
                       ok_statuses=(201,)))
case("api:study_topic", _api(_topic), RECORDERS, api=True, method="DELETE", ok_statuses=(204,))


# ---- the materials library ----
def _material(with_file=False):
    def build(cast, org):
        key = (id(cast), "material", with_file, org.pk)
        if key not in _CACHE:
            from guildhall.study.services import material_attach, material_create

            actor = cast.user(f"{org.code}-editor")
            material = material_create(actor=actor, org=org, data={
                "title": "矩阵学习材料", "tags": "条例,法规", "link": "https://example.cn/a"})
            if with_file:
                material_attach(actor=actor, material=material, upload=SimpleUploadedFile(
                    "读本.txt", "读本".encode(), content_type="text/plain"))
            _CACHE[key] = material
        return {"org_id": org.pk, "material_id": _CACHE[key].pk}
    return build


def _material_attachment(cast, org):
    from guildhall.records.models import Attachment

    kwargs = _material(True)(cast, org)
    return {**kwargs, "attachment_id": Attachment.objects.filter(
        study_material__id=kwargs["material_id"]).values_list("pk", flat=True).first()}


def _material_form(cast, org):
    return {"title": "矩阵材料", "tags": "学习", "link": "https://example.cn/b"}


LIB_SEE = {"association": ALL_ASSOCIATION, "supervisor": ALL_SUPERVISOR}
LIB_EDIT = {"association": {"principal", "admin", "editor"}, "supervisor": {"admin", "approver"}}
matrix_case(MatrixCase("study:library", build=_org, own=LIB_SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("study:library", build=_org, own=LIB_EDIT, method="POST",
                       data=_material_form, ok_statuses=(302,)))
case("study:material_detail", _material(), SEE, SEE_ABOVE)
case("study:material_delete", _material(), RECORDERS, method="POST", ok_statuses=(302,))
case("study:material_attachment_upload", _material(), RECORDERS, method="POST", data=_upload,
     ok_statuses=(302,))
case("study:material_attachment_download", _material_attachment, SEE, SEE_ABOVE)
case("study:material_attachment_remove", _material_attachment, RECORDERS, method="POST",
     ok_statuses=(302,))
matrix_case(MatrixCase("api:study_library", build=_org, api=True, own=LIB_SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("api:study_library", build=_org, api=True, own=LIB_EDIT, method="POST",
                       json=True, data=_material_form, ok_statuses=(201,)))
case("api:study_material", _material(), RECORDERS, api=True, method="DELETE", ok_statuses=(204,))


# ---- education activities ----
def _activity(with_file=False):
    def build(cast, org):
        key = (id(cast), "activity", with_file, org.pk)
        if key not in _CACHE:
            import datetime as dt

            from guildhall.study.services import activity_attach, activity_create

            actor = cast.user(f"{org.code}-editor")
            activity = activity_create(actor=actor, org=org, data={
                "title": "矩阵征文比赛", "kind": "essay", "date": dt.date(2026, 5, 1),
                "participants": 30})
            if with_file:
                activity_attach(actor=actor, activity=activity, upload=SimpleUploadedFile(
                    "获奖作品.txt", "作品".encode(), content_type="text/plain"))
            _CACHE[key] = activity
        return {"org_id": org.pk, "activity_id": _CACHE[key].pk}
    return build


def _activity_attachment(cast, org):
    from guildhall.records.models import Attachment

    kwargs = _activity(True)(cast, org)
    return {**kwargs, "attachment_id": Attachment.objects.filter(
        study_activity__id=kwargs["activity_id"]).values_list("pk", flat=True).first()}


def _activity_form(cast, org):
    return {"title": "矩阵讲座", "kind": "lecture", "date": "2026-04-01", "participants": "20"}


matrix_case(MatrixCase("study:activity_list", build=_org, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("study:activity_list", build=_org, own=RECORDERS, method="POST",
                       data=_activity_form, ok_statuses=(302,)))
case("study:activity_detail", _activity(), SEE, SEE_ABOVE)
case("study:activity_delete", _activity(), RECORDERS, method="POST", ok_statuses=(302,))
case("study:activity_attachment_upload", _activity(), RECORDERS, method="POST", data=_upload,
     ok_statuses=(302,))
case("study:activity_attachment_download", _activity_attachment, SEE, SEE_ABOVE)
case("study:activity_attachment_remove", _activity_attachment, RECORDERS, method="POST",
     ok_statuses=(302,))
matrix_case(MatrixCase("api:study_activities", build=_org, api=True, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("api:study_activities", build=_org, api=True, own=RECORDERS, method="POST",
                       json=True, data=lambda c, o: {"title": "矩阵讲座", "kind": "lecture",
                                                     "date": "2026-04-01", "participants": 20},
                       ok_statuses=(201,)))
case("api:study_activity", _activity(), RECORDERS, api=True, method="DELETE", ok_statuses=(204,))
