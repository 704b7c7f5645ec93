"""Check digits, date checks and masking."""

from __future__ import annotations

import pytest

from guildhall.checker import mask, uscc_check_char, validate_resident_id, validate_uscc
from guildhall.checker.validators import card_brand, luhn_valid, org_code_valid


def test_resident_id_valid_and_lowercase_x() -> None:
    assert validate_resident_id("11010519491231002X") is None
    assert validate_resident_id("11010519491231002x") is None
    assert validate_resident_id("１１０１０５１９４９１２３１００２Ｘ") is None


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("110105194912310021", "check character is '1', expected 'X'"),
        ("99010519491231002X", "province"),
        ("110105194913310028", "birth date"),
        ("1101051949123100", "18 characters"),
    ],
)
def test_resident_id_invalid(value: str, fragment: str) -> None:
    message = validate_resident_id(value)
    assert message is not None and fragment in message


def test_resident_id_legacy_15() -> None:
    assert validate_resident_id("110105491231002") is None
    assert validate_resident_id("110105491331002") is not None


def test_uscc() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert validate_uscc("91350100M000100Y43") is None
    assert validate_uscc("91350100m000100y43") is None
    assert validate_uscc("91350100M000100Y44") == "check character is '4', expected '3'"
    assert "not allowed" in (validate_uscc("91350100M000100I43") or "")
    with pytest.raises(ValueError):
        uscc_check_char("123")


def test_org_code_and_luhn() -> None:
    assert org_code_valid("M000100Y4")
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert card_brand("6222020012345678") == "UnionPay"
    assert card_brand("378282246310005") == "American Express"
    assert card_brand("2221000000000009") == "Mastercard"
    assert card_brand("9558800200135073266") is None


def test_mask() -> None:
    assert mask("32010519900101123X") == "3201**********123X"
    assert mask("13812345678") == "138******78"
    assert mask("+86 138 1234 5678") == "+86 138 **** **78"
    assert mask("zhang.san@example.com").endswith("@example.com")
    assert "zhang.san" not in mask("zhang.san@example.com")
    assert mask("严禁外传", "CONFIDENTIAL_MARKING") == "严禁外传"
    for v in ("a", "ab", "abc", "E12345678"):
        assert len(mask(v)) == len(v)
