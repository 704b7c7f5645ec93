"""Rate limits on invitations and token creation (issue 15, "Build"): per person and per
client address, with a clear message; nothing is created past the limit."""

from django.core.cache import cache
from django.test import override_settings

from guildhall.accounts.models import ApiToken
from guildhall.orgs.models import Invitation
from guildhall.testing import GuildhallTestCase


class RateLimitTest(GuildhallTestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)

    @override_settings(INVITATIONS_PER_HOUR=3)
    def test_an_admin_sending_too_many_invitations_is_stopped(self):
        self.login("soft-admin")
        url = f"/o/{self.soft.pk}/members/invite"
        for i in range(3):
            self.assertEqual(self.client.post(url, {"email": f"p{i}@example.cn",
                                                    "role": "staff"}).status_code, 302)
        response = self.client.post(url, {"email": "p9@example.cn", "role": "staff"})
        self.assertContains(response, "邀请过多", status_code=429)
        self.assertContains(response, "p9@example.cn", status_code=429)  # kept
        self.assertFalse(Invitation.objects.filter(email="p9@example.cn").exists())
        # Another admin is not stopped by it.
        self.login("logi-admin")
        self.assertEqual(self.client.post(f"/o/{self.logi.pk}/members/invite", {
            "email": "q@example.cn", "role": "staff"}, REMOTE_ADDR="10.5.5.5").status_code, 302)

    @override_settings(TOKENS_PER_HOUR=2)
    def test_creating_too_many_tokens_is_stopped(self):
        self.login("soft-editor")
        for i in range(2):
            self.assertIsNotNone(self.client.post("/accounts/tokens/", {"name": f"t{i}"})
                                 .context["new_key"])
        response = self.client.post("/accounts/tokens/", {"name": "t9"})
        self.assertContains(response, "令牌过多", status_code=429)
        self.assertEqual(ApiToken.objects.filter(user__username="soft-editor").count(), 2)
