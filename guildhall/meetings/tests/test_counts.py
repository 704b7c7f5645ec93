"""The meetings held per association and year are stored (`counts`) for the overview and
the supervisor's home: after every change of a meeting they equal a recount of the meetings
themselves, and the pages that read them show the same figures as a recount."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from guildhall.core.errors import DomainError
from guildhall.meetings import counts, queries, services
from guildhall.meetings.models import HeldCount, Meeting, Status
from guildhall.meetings.tests.factories import make_meeting
from guildhall.orgs.models import Organization
from guildhall.testing import GuildhallTestCase


def recount() -> dict[tuple[int, int], int]:
    """The held meetings by (association, local year), counted in Python from the rows."""
    return dict(Counter((m.organization_id, timezone.localtime(m.held_at).year)
                        for m in Meeting.objects.filter(status=Status.HELD)))


def stored() -> dict[tuple[int, int], int]:
    return {(r.organization_id, r.year): r.held for r in HeldCount.objects.filter(held__gt=0)}


class HeldCountTest(GuildhallTestCase):
    def assertCounts(self, step: str) -> None:
        self.assertEqual(stored(), recount(), step)
        year = timezone.localdate().year
        for y in (year, year - 1):
            expected = {(o, yy): n for (o, yy), n in recount().items() if yy == y}
            rows = {o.pk: o.held for o in queries.associations_below(self.sup, y)}
            self.assertEqual(set(rows), {self.soft.pk, self.logi.pk, self.tour.pk}, step)
            for pk, held in rows.items():
                self.assertEqual(held, expected.get((pk, y), 0), f"{step}: {pk} in {y}")

    def test_every_change_of_a_meeting_keeps_the_stored_counts(self):
        editor = self.user("soft-editor")
        self.assertCounts("nothing yet")
        draft = make_meeting(self.cast, self.soft)
        self.assertCounts("a draft created")
        held = make_meeting(self.cast, self.soft, state="held")
        self.assertCounts("created and recorded as held")
        self.assertEqual(stored()[(self.soft.pk, timezone.localdate().year)], 1)
        services.meeting_cancel(actor=editor, meeting=draft, reason="改期")
        self.assertCounts("a draft cancelled")
        last_year = timezone.now() - dt.timedelta(days=370)
        services.meeting_update(actor=editor, meeting=held, data={"held_at": last_year})
        self.assertCounts("a held meeting moved to last year")
        self.assertNotIn((self.soft.pk, timezone.localdate().year), stored())
        services.meeting_update(actor=editor, meeting=held, data={"title": "改名的研究会"})
        self.assertCounts("a held meeting renamed")
        services.meeting_update(actor=editor, meeting=held,
                                data={"held_at": timezone.now() - dt.timedelta(hours=3)})
        self.assertCounts("moved back to this year")
        other = make_meeting(self.cast, self.logi, state="held")
        make_meeting(self.cast, self.logi, state="held", held_at=last_year)
        self.assertCounts("a second association")
        Meeting.objects.get(pk=other.pk).delete()
        self.assertCounts("a held meeting deleted")
        Meeting.objects.filter(organization=self.soft).delete()
        self.assertCounts("every meeting of an association deleted")
        self.assertEqual(stored(), {(self.logi.pk, timezone.localtime(last_year).year): 1})

    def test_a_change_refused_leaves_the_counts(self):
        held = make_meeting(self.cast, self.soft, state="held")
        with self.assertRaises(DomainError):  # a held meeting cannot move into the future
            services.meeting_update(actor=self.user("soft-editor"), meeting=held,
                                    data={"held_at": timezone.now() + dt.timedelta(days=3)})
        self.assertCounts("refused")
        with self.assertRaises(RuntimeError), transaction.atomic():
            services.meeting_record(actor=self.user("soft-editor"), meeting=make_meeting(
                self.cast, self.soft))
            raise RuntimeError("rolled back")
        self.assertCounts("rolled back")

    def test_refresh_all_rebuilds_the_rows_from_the_meetings(self):
        make_meeting(self.cast, self.soft, state="held")
        make_meeting(self.cast, self.tour, state="held", held_at=timezone.now() - dt.timedelta(days=800))
        HeldCount.objects.all().delete()
        HeldCount.objects.create(organization=self.logi, year=2020, held=7)  # a stray row
        self.assertEqual(counts.refresh_all(), 2)
        self.assertCounts("rebuilt")

    def test_a_year_ends_at_local_midnight(self):
        year = timezone.localdate().year
        last_moment = timezone.make_aware(dt.datetime(year - 1, 12, 31, 23, 30))
        make_meeting(self.cast, self.soft, state="held", held_at=last_moment)
        self.assertEqual(stored(), {(self.soft.pk, year - 1): 1})
        self.assertCounts("the last half hour of last year")


def _org(**fields):
    org = Organization.objects.create(region="南京市", **fields)
    org.path = f"{org.parent.path}{org.pk}/"
    org.save(update_fields=["path"])
    return org


class BelowMinimumTest(GuildhallTestCase):
    """The supervisor's home lists the associations below the minimum of the body directly
    above each, fewest first, with the figures a recount gives."""

    def test_each_association_against_its_own_supervisors_minimum(self):
        year = timezone.localdate().year
        region = _org(kind="supervisor", code="sub", name="市社会组织委员会", parent=self.sup,
                      credit_code="11320000MB1234575")
        near = _org(kind="association", code="near", name="市会展协会", parent=region,
                    credit_code="51320000MJ5432119")
        services.rules_update(actor=self.user("sup-admin"), supervisor=self.sup,
                              data={"minimum_per_year": 1})
        services.rules_update(actor=self.user("sup-admin"), supervisor=region,
                              data={"minimum_per_year": 3})
        make_meeting(self.cast, self.soft, state="held")
        for _n in range(2):  # (the new association has no members to chair them)
            Meeting.objects.create(organization=near, title="专题研究会", status=Status.HELD,
                                   held_at=timezone.now() - dt.timedelta(hours=2),
                                   chair=self.user("soft-principal"),
                                   created_by=self.user("soft-editor"))
        counts.refresh(near.pk, [year])
        rows = [(o.code, o.held, o.minimum) for o in queries.below_minimum(self.sup, year)]
        # near held 2 of 3; logi and tour none of 1 (then by name); soft held its 1.
        self.assertEqual(sorted(rows[:2]), [("logi", 0, 1), ("tour", 0, 1)])
        self.assertEqual(rows[2:], [("near", 2, 3)])

    def test_the_home_shows_the_recounted_figures(self):
        make_meeting(self.cast, self.soft, state="held")
        make_meeting(self.cast, self.logi, state="held")
        make_meeting(self.cast, self.logi, state="held")
        self.login("sup-admin")
        page = self.client.get(reverse("site:org_home", args=[self.sup.pk])).content.decode()
        section = page.split("专题研究未达最低次数的协会商会")[1].split("</article>")[0]
        self.assertIn(f"{self.soft.name}</a> <span class=\"muted\">已召开 1 次，至少 2 次", section)
        self.assertIn(f"{self.tour.name}</a> <span class=\"muted\">已召开 0 次，至少 2 次", section)
        self.assertNotIn(self.logi.name, section)
        self.assertLess(section.index(self.tour.name), section.index(self.soft.name))
