import datetime as dt

from django.utils import timezone

from guildhall.core.tests.matrix import ALL_ASSOCIATION, ALL_SUPERVISOR
from guildhall.testing import MatrixCase, matrix_case

# Incidents belong to associations: incident cases try soft (own / sibling) and chem (the
# other hierarchy); the organization pages try every organization.
TARGETS = ("soft", "logi", "chem")
SEE = {"association": ALL_ASSOCIATION}
SEE_ABOVE = {"association": ALL_SUPERVISOR}
REPORTERS = {"association": ALL_ASSOCIATION}
MANAGERS = {"association": {"principal", "admin"}}
APPROVER = {"association": {"approver"}}
SUPERVISORS = {"supervisor": ALL_SUPERVISOR}
RULERS = {"supervisor": {"admin"}}
_CACHE: dict = {}


def _incident_of(cast, org, state):
    from guildhall.incidents.tests.factories import make_incident

    key = (id(cast), state, org.pk)
    if key not in _CACHE:
        _CACHE[key] = make_incident(cast, org, state,
                                    discovered_at=timezone.now() - dt.timedelta(hours=2))
    return _CACHE[key]


def _incident(state):
    def build(cast, org):
        return {"org_id": org.pk, "incident_id": _incident_of(cast, org, state).pk}
    return build


def _api(state):
    def build(cast, org):
        return {"incident_id": _incident_of(cast, org, state).pk}
    return build


def _org(cast, org):
    return {"org_id": org.pk}


def _report_of(cast, org):
    return {"report": _incident_of(cast, org, "reported").reports.values_list("pk", flat=True)[0],
            "instruction": "矩阵批示"}


def _quick(cast, org):
    return {"title": "矩阵快报", "category": "other", "severity": "general", "report": "一句话。"}


def _full(cast, org):
    return {"title": "矩阵事件", "category": "safety", "severity": "significant",
            "known": "现场有人摔倒。", "people_affected": "1", "send": "on"}


def _phone(cast, org):
    when = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
    return {"reported_at": when.strftime("%Y-%m-%dT%H:%M"), "told": "值班员", "caller": "张晓燕"}


def _closing(cast, org):
    return {"cause": "原因", "actions": "处置", "results": "结果", "lessons": "教训"}


def _rules(cast, org):
    from guildhall.incidents.models import DEFAULT_MINUTES, LEVELS, RULE_KINDS

    return {f"{kind}_{level}": DEFAULT_MINUTES[kind][level] or ""
            for kind in RULE_KINDS for level in LEVELS}


def _api_rules(cast, org):
    from guildhall.incidents.models import DEFAULT_MINUTES

    return {kind: dict(levels) for kind, levels in DEFAULT_MINUTES.items()}


# ---- organization pages ----
matrix_case(MatrixCase("incidents:incident_list", build=_org, own=SEE, above=SEE_ABOVE))
matrix_case(MatrixCase("incidents:incident_board", build=_org, own=SUPERVISORS))
for _name, _data in (("incidents:incident_quick", _quick), ("incidents:incident_new", _full)):
    matrix_case(MatrixCase(_name, build=_org, own=REPORTERS))
    matrix_case(MatrixCase(_name, build=_org, own=REPORTERS, method="POST", data=_data,
                           ok_statuses=(302,)))
matrix_case(MatrixCase("incidents:incident_rules", build=_org, own=RULERS))
matrix_case(MatrixCase("incidents:incident_rules", build=_org, own=RULERS, method="POST",
                       data=_rules, ok_statuses=(302,)))


# ---- an incident ----
def case(name, state, own=None, above=None, **kw):
    matrix_case(MatrixCase(name, build=_incident(state), own=own or {}, above=above or {},
                           targets=TARGETS, **kw))


case("incidents:incident_detail", "reported", SEE, SEE_ABOVE)
for _name, _state, _who, _data in (
        ("incidents:incident_phone", "open", REPORTERS, _phone),
        ("incidents:incident_written", "open", REPORTERS, lambda c, o: {"text": "书面首报"}),
        ("incidents:incident_follow_up", "reported", REPORTERS, lambda c, o: {"text": "续报"}),
        ("incidents:incident_close", "stable", MANAGERS, _closing)):
    case(_name, _state, _who)
    case(_name, _state, _who, method="POST", data=_data, ok_statuses=(302,))
case("incidents:incident_edit", "reported", REPORTERS)
case("incidents:incident_edit", "reported", REPORTERS, method="POST", ok_statuses=(302,),
     data=lambda c, o: {"location": "矩阵地点", "known": "补充情况", "people_affected": "3"})
case("incidents:incident_severity", "reported", MANAGERS, method="POST",
     data=lambda c, o: {"severity": "general", "note": "核实后降级"})
case("incidents:incident_stable", "reported", MANAGERS, method="POST")
case("incidents:incident_reopen", "closed", MANAGERS, method="POST",
     data=lambda c, o: {"reason": "再次发生"})
case("incidents:incident_acknowledge", "reported", above=APPROVER, method="POST", data=_report_of)

# ---- the API ----
matrix_case(MatrixCase("api:incident_list", everyone=True, api=True))
matrix_case(MatrixCase("api:incident_list", method="POST", json=True, api=True,
                       build=lambda c, o: {}, own=REPORTERS, targets=TARGETS, ok_statuses=(201,),
                       data=lambda c, o: {"organization": o.pk, **_quick(c, o), "send": True}))
matrix_case(MatrixCase("api:incident_board", api=True, build=_org, own=SUPERVISORS))
matrix_case(MatrixCase("api:incident_figures", api=True, build=_org,
                       own={**SEE, **SUPERVISORS}, above=SEE_ABOVE))
matrix_case(MatrixCase("api:incident_rules", api=True, build=_org, own=RULERS))
matrix_case(MatrixCase("api:incident_rules", api=True, build=_org, own=RULERS, method="PUT",
                       json=True, data=_api_rules))


def api_case(name, state, own=None, above=None, **kw):
    matrix_case(MatrixCase(name, build=_api(state), own=own or {}, above=above or {},
                           targets=TARGETS, api=True, **kw))


def _api_phone(cast, org):
    return {"reported_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "told": "值班员", "caller": "张晓燕"}


api_case("api:incident_detail", "reported", SEE, SEE_ABOVE)
api_case("api:incident_detail", "reported", REPORTERS, method="PATCH", json=True,
         data=lambda c, o: {"location": "矩阵地点"})
api_case("api:incident_phone", "open", REPORTERS, method="POST", json=True, data=_api_phone)
api_case("api:incident_written", "open", REPORTERS, method="POST", data=lambda c, o: {"text": "首报"})
api_case("api:incident_follow_up", "reported", REPORTERS, method="POST",
         data=lambda c, o: {"text": "续报"})
api_case("api:incident_severity", "reported", MANAGERS, method="POST",
         data=lambda c, o: {"severity": "general"})
api_case("api:incident_stable", "reported", MANAGERS, method="POST")
api_case("api:incident_close", "stable", MANAGERS, method="POST", json=True, data=_closing)
api_case("api:incident_reopen", "closed", MANAGERS, method="POST", data=lambda c, o: {"reason": "再次"})
api_case("api:incident_acknowledge", "reported", above=APPROVER, method="POST", data=_report_of)
