from guildhall.core.tests.matrix import ALL_SUPERVISOR
from guildhall.testing import MatrixCase, matrix_case

TARGETS = ("soft", "logi", "chem")
READ = {"association": {"principal", "admin"}}
READ_ABOVE = {"association": ALL_SUPERVISOR}
PRINCIPAL = {"association": {"principal"}}
APPROVER_ABOVE = {"association": {"approver"}}
YEAR = 2026
# A draft of 2026 and a submitted report of 2025 (one report per association and year).
YEARS = {"draft": 2026, "submitted": 2025}
_CACHE: dict = {}


def _report(state):
    def build(cast, org):
        from django.core.files.base import ContentFile

        from guildhall.reports import services
        from guildhall.reports.models import PdfState

        key = (id(cast), state, org.pk)
        if key not in _CACHE:
            principal = cast.user(f"{org.code}-principal")
            report = services.report_create(actor=principal, org=org, year=YEARS[state])
            if state == "submitted":
                version = services.report_submit(actor=principal, report=report)
                # The job queue runs after a commit, which the matrix's data never sees.
                version.pdf.save(".pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
                version.pdf_state = PdfState.DONE
                version.save()
            _CACHE[key] = report
        return {"org_id": org.pk, "year": YEARS[state]}
    return build


def _org(cast, org):
    return {"org_id": org.pk}


def _org_year(year):
    return lambda cast, org: {"org_id": org.pk, "year": year}


def _figure(cast, org):
    return {**_report("draft")(cast, org), "section": "events", "figure": "filed"}


def _version(cast, org):
    return {**_report("submitted")(cast, org), "number": 1}


def _decision(cast, org):
    return {"comment": "请补充。", "revision": "1"}


matrix_case(MatrixCase("reports:report_current", build=_org, own=READ, above=READ_ABOVE,
                       targets=TARGETS))
matrix_case(MatrixCase("reports:report_detail", build=_report("draft"), own=READ,
                       above=READ_ABOVE, targets=TARGETS))
matrix_case(MatrixCase("reports:report_create", build=_org_year(2024), own=PRINCIPAL,
                       method="POST", targets=TARGETS, ok_statuses=(302,)))
matrix_case(MatrixCase("reports:report_edit", build=_report("draft"), own=PRINCIPAL,
                       method="POST", data=lambda c, o: {"plans": "全年完成要点。"},
                       targets=TARGETS, ok_statuses=(302,)))
matrix_case(MatrixCase("reports:report_submit", build=_report("draft"), own=PRINCIPAL,
                       method="POST", targets=TARGETS, ok_statuses=(302,)))
matrix_case(MatrixCase("reports:report_acknowledge", build=_report("submitted"),
                       above=APPROVER_ABOVE, method="POST", data=_decision, targets=TARGETS,
                       ok_statuses=(302,)))
matrix_case(MatrixCase("reports:report_return", build=_report("submitted"), above=APPROVER_ABOVE,
                       method="POST", data=_decision, targets=TARGETS, ok_statuses=(302,)))
matrix_case(MatrixCase("reports:figure_records", build=_figure, own=READ, above=READ_ABOVE,
                       targets=TARGETS))
matrix_case(MatrixCase("reports:version_docx", build=_version, own=READ, above=READ_ABOVE,
                       targets=TARGETS))
matrix_case(MatrixCase("reports:version_pdf", build=_version, own=READ, above=READ_ABOVE,
                       targets=TARGETS))
matrix_case(MatrixCase("reports:overview", build=_org, own={"supervisor": ALL_SUPERVISOR}))
matrix_case(MatrixCase("reports:overview_zip", build=_org_year(YEARS["submitted"]),
                       own={"supervisor": ALL_SUPERVISOR}))


# ---- the API: the same rules through the same services --------------------------------

def _api_decision(cast, org):
    return {"comment": "请补充。", "revision": 1}


def api_case(name, build, own=None, above=None, **kw):
    matrix_case(MatrixCase(name, build=build, own=own or {}, above=above or {}, api=True,
                           targets=kw.pop("targets", TARGETS), **kw))


matrix_case(MatrixCase("api:report_list", everyone=True, api=True))
api_case("api:report_detail", _report("draft"), READ, READ_ABOVE)
api_case("api:report_detail", _org_year(2024), PRINCIPAL, method="POST", ok_statuses=(201,))
api_case("api:report_narrative", _report("draft"), PRINCIPAL, method="PUT", json=True,
         data=lambda c, o: {"narratives": {"plans": "全年完成要点。"}})
api_case("api:report_submit", _report("draft"), PRINCIPAL, method="POST", ok_statuses=(201,))
api_case("api:report_acknowledge", _report("submitted"), above=APPROVER_ABOVE, method="POST",
         json=True, data=_api_decision)
api_case("api:report_return", _report("submitted"), above=APPROVER_ABOVE, method="POST",
         json=True, data=_api_decision)
api_case("api:report_version_docx", _version, READ, READ_ABOVE)
api_case("api:report_version_pdf", _version, READ, READ_ABOVE)
api_case("api:report_submissions", _org, own={"supervisor": ALL_SUPERVISOR}, targets=None)
