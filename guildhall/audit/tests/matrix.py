from guildhall.core.tests.matrix import ALL_SUPERVISOR
from guildhall.testing import MatrixCase, matrix_case

AUDIT_OWN = {"association": {"principal", "admin"}, "supervisor": ALL_SUPERVISOR}
matrix_case(MatrixCase("site:audit_log", build=lambda cast, org: {"org_id": org.pk},
                       own=AUDIT_OWN, above={"association": ALL_SUPERVISOR}))
matrix_case(MatrixCase("site:audit_export", build=lambda cast, org: {"org_id": org.pk},
                       own=AUDIT_OWN, above={"association": ALL_SUPERVISOR}))
matrix_case(MatrixCase("api:audit_list", api=True, build=lambda cast, org: {},
                       query=lambda cast, org: {"org": org.pk},
                       own=AUDIT_OWN, above={"association": ALL_SUPERVISOR}))
