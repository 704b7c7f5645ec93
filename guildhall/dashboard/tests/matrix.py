from guildhall.core.tests.matrix import ALL_SUPERVISOR
from guildhall.testing import MatrixCase, matrix_case

SUPERVISORS = {"supervisor": ALL_SUPERVISOR}
ABOVE = {"association": ALL_SUPERVISOR}
ASSOCIATIONS = ("soft", "logi", "chem")


def _org(cast, org):
    return {"org_id": org.pk}


matrix_case(MatrixCase("dashboard:dashboard", build=_org, own=SUPERVISORS))
matrix_case(MatrixCase("dashboard:export", build=_org, own=SUPERVISORS))
matrix_case(MatrixCase("dashboard:association", build=_org, above=ABOVE, targets=ASSOCIATIONS))
matrix_case(MatrixCase("api:dashboard_rows", build=_org, own=SUPERVISORS, api=True))
matrix_case(MatrixCase("api:dashboard_row", build=_org, above=ABOVE, targets=ASSOCIATIONS, api=True))
