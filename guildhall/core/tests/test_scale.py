from guildhall.audit.services import verify_chain
from guildhall.events.models import Filing
from guildhall.orgs.models import Organization
from guildhall.publications.models import Publication
from guildhall.site.scale import seed_scale
from guildhall.testing import GuildhallTestCase


class SeedScaleTest(GuildhallTestCase):
    def test_scale_data_is_valid_and_scoped(self):
        seed_scale(associations=6, years=1, supervisors=2, log=lambda message: None)
        scale = Organization.objects.filter(code__startswith="scale-a")
        self.assertEqual(scale.count(), 6)
        self.assertTrue(all(o.path.startswith(self.sup.path) for o in scale))
        self.assertEqual(Filing.objects.filter(organization__in=scale).count(), 6 * 8)
        self.assertEqual(Publication.objects.filter(organization__in=scale).count(), 6 * 12)
        self.assertTrue(verify_chain().ok)
        seed_scale(associations=6, years=1, supervisors=2, log=lambda message: None)  # idempotent
        self.assertEqual(Organization.objects.filter(code__startswith="scale-a").count(), 6)
