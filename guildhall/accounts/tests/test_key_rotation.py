"""Rotating SECRET_KEY (docs/deploying.md): with the old key in SECRET_KEY_FALLBACKS the
people stay signed in; without it, or after their sessions were ended, they are not."""

from django.conf import settings
from django.test import override_settings

from guildhall.testing import GuildhallTestCase

NEW_KEY = "a-new-secret-key-for-the-rotation-test-" + "x" * 30


class KeyRotationTest(GuildhallTestCase):
    def setUp(self):
        self.login("soft-staff")
        self.home = f"/o/{self.soft.pk}/"
        self.assertEqual(self.client.get(self.home).status_code, 200)

    def test_the_old_key_as_a_fallback_keeps_people_signed_in(self):
        with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
            self.assertEqual(self.client.get(self.home).status_code, 200)
            # The session now carries a hash made with the new key.
            with override_settings(SECRET_KEY_FALLBACKS=[]):
                self.assertEqual(self.client.get(self.home).status_code, 200)

    def test_without_the_fallback_everyone_signs_in_again(self):
        with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
            self.assertEqual(self.client.get(self.home).status_code, 302)

    def test_ended_sessions_stay_ended_under_the_fallback(self):
        old = settings.SECRET_KEY
        self.user("soft-staff").end_all_sessions()
        with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[old]):
            self.assertEqual(self.client.get(self.home).status_code, 302)

    def test_the_setting_comes_from_the_environment(self):
        self.assertEqual(settings.SECRET_KEY_FALLBACKS, [])
