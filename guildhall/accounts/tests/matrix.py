from guildhall.orgs.demo import DEFAULT_PASSWORD
from guildhall.testing import MatrixCase, matrix_case

for name in ("accounts:login", "accounts:password_reset", "accounts:password_reset_done",
             "accounts:password_reset_complete"):
    matrix_case(MatrixCase(name, public=True))
matrix_case(MatrixCase("accounts:logout", public=True, method="POST"))
matrix_case(MatrixCase("accounts:login", public=True, method="POST", ok_statuses=(302,),
                       data=lambda cast, org: {"username": "soft-staff",
                                               "password": DEFAULT_PASSWORD}))
matrix_case(MatrixCase("accounts:password_reset", public=True, method="POST", ok_statuses=(302,),
                       data=lambda cast, org: {"email": "soft-staff@demo.guildhall.cn"}))
# A link that is not valid shows its page again, for any form.
matrix_case(MatrixCase("accounts:password_reset_confirm", public=True, method="POST",
                       build=lambda cast, org: {"uidb64": "MQ", "token": "set-password"},
                       data=lambda cast, org: {"new_password1": "x", "new_password2": "x"}))
matrix_case(MatrixCase("accounts:password_change", everyone=True, method="POST", ok_statuses=(302,),
                       data=lambda cast, org: {"old_password": DEFAULT_PASSWORD,
                                               "new_password1": "Matrix-Passw0rd-2026",
                                               "new_password2": "Matrix-Passw0rd-2026"}))
matrix_case(MatrixCase("accounts:tokens", everyone=True, method="POST", ok_statuses=(200,),
                       data=lambda cast, org: {"name": "矩阵"}))
matrix_case(MatrixCase("accounts:password_reset_confirm", public=True,
                       build=lambda cast, org: {"uidb64": "MQ", "token": "set-password"}))
matrix_case(MatrixCase("accounts:password_change", everyone=True))
matrix_case(MatrixCase("accounts:password_change_done", everyone=True))
matrix_case(MatrixCase("accounts:tokens", everyone=True))


def _own_token(cast, user):
    from guildhall.accounts.services import token_create

    token, _key = token_create(actor=user, name="matrix")
    return {"token_id": token.pk}


matrix_case(MatrixCase("accounts:token_revoke", everyone=True, method="POST", build_self=_own_token))
matrix_case(MatrixCase("api:me", everyone=True, api=True))
# The second factor: set up or verify (a wrong code is refused with 400, nothing stored),
# and the recovery codes shown once after the set-up (without new codes, a redirect).
matrix_case(MatrixCase("accounts:second_factor", everyone=True))
matrix_case(MatrixCase("accounts:second_factor", everyone=True, method="POST", ok_statuses=(400,),
                       data=lambda cast, org: {"code": "000000"}))
matrix_case(MatrixCase("accounts:second_factor_codes", everyone=True))
