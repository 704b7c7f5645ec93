"""The widgets drawn in Python write what Django's templates write."""

from __future__ import annotations

from django import forms
from django.test import SimpleTestCase

from guildhall.kit import widgets


class SelectTest(SimpleTestCase):
    def test_it_draws_what_the_template_draws(self):
        choices = [("", "全部"), ("a<b", 'A & "b"'), (3, 3), ("组", [("x", "<i>X</i>"), ("y", "Y")]),
                   ("<组>", [("z", "Z")])]
        cases = [("s", "x", {"id": "id_s"}), ("s", ["a<b", 3], {}), ("s", None, {"disabled": True}),
                 ("s<", "", {"data-x": False, "aria-label": '"引号"', "required": True}),
                 ("owner", "y", {"id": "id_owner", "class": "a b"})]
        for name, value, attrs in cases:
            ours = widgets.Select(choices=choices).render(name, value, attrs)
            self.assertEqual(ours, forms.Select(choices=choices).render(name, value, attrs))
        self.assertIn('<option value="a&lt;b">A &amp; &quot;b&quot;</option>', ours)
        self.assertIn("&lt;i&gt;X&lt;/i&gt;", ours)

    def test_a_form_field_draws_it_in_its_form(self):
        class Form(forms.Form):
            status = forms.ChoiceField(choices=[("", "全部"), ("done", "已完成")], required=False,
                                       widget=widgets.Select)
            plain = forms.ChoiceField(choices=[("", "全部"), ("done", "已完成")], required=False)

        form = Form({"status": "done", "plain": "done"})
        self.assertEqual(str(form["status"]).replace("status", "plain"), str(form["plain"]))
        self.assertIn('<option value="done" selected>已完成</option>', str(form["status"]))

