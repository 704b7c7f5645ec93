import datetime as dt
from decimal import Decimal

from django.test import SimpleTestCase, override_settings
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from guildhall.core.lines import line

VALUES = [0, 7, -12, 1234567, True, False, 3.5, Decimal("12.50"), "a<b & \"c\"", "",
          mark_safe("<b>kept</b>"), dt.date(2026, 3, 4), None, gettext_lazy("Yes")]


class LineTest(SimpleTestCase):
    def assert_as_template_fills(self) -> None:
        for value in VALUES:
            with self.subTest(value=value):
                self.assertEqual(line("[%(v)s]", v=value),
                                 f"[{conditional_escape(localize(value))}]")

    def test_it_fills_values_as_the_template_tag_does(self) -> None:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                self.assert_as_template_fills()

    @override_settings(USE_THOUSAND_SEPARATOR=True)
    def test_it_groups_thousands_when_the_settings_say_so(self) -> None:
        with translation.override("en"):
            self.assert_as_template_fills()
            self.assertEqual(line("%(n)s", n=1234567), "1,234,567")
