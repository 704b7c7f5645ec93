"""The URL lists a module generates from the kit: the same paths and names it declared."""

from types import SimpleNamespace

from django.db.models import Q
from django.test import SimpleTestCase
from django.urls import resolve, reverse

from guildhall.kit.models import between
from guildhall.kit.urls import object_patterns, record_patterns


def _view(name):
    def view(request, **kwargs):
        return name
    view.__name__ = name
    return view


class ObjectPatternsTest(SimpleTestCase):
    def test_each_page_is_the_view_of_its_name_and_dashes_are_underscores(self):
        views = SimpleNamespace(**{n: _view(n) for n in ("filing_detail", "filing_sign_off")})
        patterns = object_patterns("o/<int:org_id>/events/<int:filing_id>/", views, "filing",
                                   ". sign-off")
        self.assertEqual([(str(p.pattern), p.name, p.callback) for p in patterns], [
            ("o/<int:org_id>/events/<int:filing_id>/", "filing_detail", views.filing_detail),
            ("o/<int:org_id>/events/<int:filing_id>/sign-off", "filing_sign_off",
             views.filing_sign_off)])

    def test_a_page_without_its_view_is_an_error_at_once(self):
        with self.assertRaises(AttributeError):
            object_patterns("x/<int:pk>/", SimpleNamespace(), "thing", "edit")


class RecordPatternsTest(SimpleTestCase):
    def test_the_record_pages_keep_their_paths_names_and_the_objects_id(self):
        url = reverse("events:attachment_download", args=[1, 2, 3])
        self.assertEqual(url, "/o/1/events/2/attachments/3/")
        match = resolve(url)
        self.assertEqual(match.kwargs, {"org_id": 1, "filing_id": 2, "attachment_id": 3})
        self.assertEqual(reverse("publications:finding_acknowledge", args=[1, 2, 3]),
                         "/o/1/publications/2/findings/3/acknowledge")
        self.assertEqual(
            [p.name for p in record_patterns("p/<int:thing_id>/", SimpleNamespace(
                views=lambda key: {n: _view(f"{n}:{key}") for n in (
                    "attachment_upload", "attachment_download", "attachment_remove",
                    "finding_acknowledge")}))],
            ["attachment_upload", "attachment_download", "attachment_remove",
             "finding_acknowledge"])

    def test_the_views_are_told_the_urls_name_of_the_objects_id(self):
        seen = []

        def views(key):
            seen.append(key)
            return {n: _view(n) for n in ("attachment_upload", "attachment_download",
                                           "attachment_remove", "finding_acknowledge")}
        record_patterns("o/<int:org_id>/things/<int:thing_id>/", SimpleNamespace(views=views))
        self.assertEqual(seen, ["thing_id"])


class BetweenTest(SimpleTestCase):
    def test_it_is_the_check_constraint_the_migrations_hold(self):
        constraint = between("review_days", 1, 30, "publication_review_days_1_to_30")
        self.assertEqual(constraint.condition, Q(review_days__gte=1, review_days__lte=30))
        self.assertEqual(constraint.name, "publication_review_days_1_to_30")
