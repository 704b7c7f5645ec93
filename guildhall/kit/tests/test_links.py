"""Links between modules' records: only the organization's own records, nothing leaked."""

from guildhall.core.errors import DomainError
from guildhall.events.models import Filing, Status
from guildhall.kit import links
from guildhall.testing import GuildhallTestCase


class LinkTest(GuildhallTestCase):
    demo_modules = ("events", "publications")

    def test_the_modules_register_what_may_be_linked(self):
        keys = {k.key for k in links.kinds()}
        self.assertLessEqual({"events.filing", "publications.publication"}, keys)
        self.assertTrue(links.pause_channel.available and links.channels.available)

    def test_a_record_of_another_association_is_refused_as_if_it_did_not_exist(self):
        own = Filing.objects.filter(organization=self.soft, status=Status.APPROVED).first()
        other = Filing.objects.exclude(organization=self.soft).first()
        self.assertIsNotNone(own)
        self.assertEqual(links.find(self.soft, "events.filing", own.pk), own)
        refusals = []
        for pk in (other.pk if other else 10**9, 10**9, "x", -1, 2**70):
            with self.assertRaises(DomainError) as caught:
                links.find(self.soft, "events.filing", pk)
            refusals.append((caught.exception.code, str(caught.exception)))
        self.assertEqual(len(set(refusals)), 1, refusals)

    def test_a_draft_may_not_be_linked_as_evidence(self):
        draft = Filing.objects.filter(organization=self.soft, status=Status.DRAFT).first()
        if draft is None:
            self.skipTest("the demo has no draft filing")
        with self.assertRaises(DomainError):
            links.find(self.soft, "events.filing", draft.pk)

    def test_links_are_described_by_name_and_page(self):
        own = Filing.objects.filter(organization=self.soft, status=Status.APPROVED).first()
        other = Filing.objects.filter(organization=self.soft).exclude(pk=own.pk).first()
        links.link(other, "events.filing", own.pk, actor=self.user("soft-editor"))
        links.link(other, "events.filing", own.pk, actor=self.user("soft-editor"))  # kept once
        described = links.described(other)
        self.assertEqual(len(described), 1)
        self.assertEqual(described[0]["name"], own.title)
        self.assertEqual(described[0]["url"], own.get_absolute_url())

    def test_an_empty_slot_is_refused_clearly(self):
        slot = links.Slot("nothing")
        with self.assertRaises(DomainError) as caught:
            slot(x=1)
        self.assertEqual(caught.exception.status, 409)

    def test_a_link_to_a_kind_nobody_registered_is_named_by_its_model(self):
        own = Filing.objects.filter(organization=self.soft, status=Status.APPROVED).first()
        other = Filing.objects.filter(organization=self.soft).exclude(pk=own.pk).first()
        from guildhall.records.services import add_link

        add_link(other, own, kind="nobody.registered", role="origin", actor=None)
        self.assertEqual(links.described(other, "origin")[0]["kind_label"],
                         str(Filing._meta.verbose_name))
