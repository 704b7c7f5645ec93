from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def validate_credit_code(value: str) -> None:
    """Validate a unified social credit code (GB 32100-2015), naming the wrong character."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)},
            code="uscc_length",
        )
    for position, char in enumerate(code, start=1):
        if char not in USCC_CHARSET:
            raise ValidationError(
                _("Character %(pos)d, “%(char)s”, cannot appear in a unified social credit code "
                  "(the letters I, O, S, V and Z are never used).") % {"pos": position, "char": char},
                code="uscc_charset",
            )
    from guildhall.checker.validators import uscc_check_char  # the checker owns the algorithm

    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character (the 18th) is “%(got)s” but should be “%(expected)s”: "
              "please check the code for a typing error.") % {"got": code[17], "expected": expected},
            code="uscc_check",
        )
