import itertools

from guildhall.testing import MatrixCase, matrix_case

_numbers = itertools.count(1)


def _person_who_left(cast, org):
    """A person with a deactivated membership of `org` (and no other organization)."""
    from django.contrib.auth import get_user_model

    from guildhall.orgs.models import Membership

    n = next(_numbers)
    user = get_user_model().objects.create(username=f"gone-{org.code}-{n}",
                                           email=f"gone-{org.code}-{n}@example.cn",
                                           full_name=f"离开者{org.code}", is_active=False)
    role = "staff" if org.kind == "association" else "viewer"
    Membership.objects.create(user=user, organization=org, role=role, is_active=False)
    return {"org_id": org.pk, "user_id": user.pk}


def _confirm(cast, org):
    return {"confirm_name": f"离开者{org.code}"}


ADMINS = {"association": {"admin"}, "supervisor": {"admin"}}
matrix_case(MatrixCase("site:person", build=_person_who_left, own=ADMINS))
matrix_case(MatrixCase("site:person_export", build=_person_who_left, own=ADMINS))
matrix_case(MatrixCase("site:person_erase", method="POST", build=_person_who_left,
                       data=_confirm, own=ADMINS, ok_statuses=(302,)))
matrix_case(MatrixCase("api:person_export", api=True, build=_person_who_left, own=ADMINS))
matrix_case(MatrixCase("api:person_erase", api=True, method="POST", json=True,
                       build=_person_who_left, data=_confirm, own=ADMINS))
