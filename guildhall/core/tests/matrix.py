from guildhall.testing import MatrixCase, matrix_case

ALL_ASSOCIATION = {"principal", "admin", "editor", "reviewer", "staff"}
ALL_SUPERVISOR = {"approver", "viewer", "admin"}

matrix_case(MatrixCase("site:home", everyone=True))
matrix_case(MatrixCase("site:healthz", public=True))
matrix_case(MatrixCase("set_language", public=True, method="POST",
                       data=lambda cast, org: {"language": "en"}))
# Django's view answers any other method with a redirect back, changing nothing.
for _method in ("GET", "PUT", "PATCH", "DELETE"):
    matrix_case(MatrixCase("set_language", public=True, method=_method, ok_statuses=(302,)))
matrix_case(MatrixCase(
    "site:org_home", build=lambda cast, org: {"org_id": org.pk},
    own={"association": ALL_ASSOCIATION, "supervisor": ALL_SUPERVISOR},
    above={"association": ALL_SUPERVISOR},
))
matrix_case(MatrixCase(
    "site:switch_org", method="POST", build=lambda cast, org: {}, writes=False,  # the session
    data=lambda cast, org: {"org": org.pk},
    own={"association": ALL_ASSOCIATION, "supervisor": ALL_SUPERVISOR},
    above={"association": ALL_SUPERVISOR},
))
