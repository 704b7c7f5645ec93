import time

from django.test import Client, override_settings

from guildhall.audit.models import AuditRecord
from guildhall.testing import GuildhallTestCase

PASSWORD = "guildhall-demo"


class SignInTest(GuildhallTestCase):
    def test_sign_in_with_user_name(self):
        response = self.client.post("/accounts/login/", {"username": "soft-admin", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertTrue(AuditRecord.objects.filter(action="auth.login", actor_name="soft-admin").exists())

    def test_sign_in_with_e_mail(self):
        response = self.client.post("/accounts/login/", {"username": "SOFT-ADMIN@demo.guildhall.cn",
                                                         "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def test_a_new_session_key_at_sign_in(self):
        self.client.get("/accounts/login/")
        self.client.cookies["sessionid"] = "stale-session-key-from-before"
        self.client.post("/accounts/login/", {"username": "soft-admin", "password": PASSWORD})
        self.assertNotEqual(self.client.cookies["sessionid"].value, "stale-session-key-from-before")

    def test_a_wrong_password_is_refused_in_chinese_and_audited(self):
        response = self.client.post("/accounts/login/", {"username": "soft-admin", "password": "nope"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "soft-admin")  # kept
        self.assertContains(response, "不匹配")
        self.assertTrue(AuditRecord.objects.filter(action="auth.login_failed").exists())

    def test_sign_out(self):
        self.login("soft-admin")
        self.assertEqual(self.client.post("/accounts/logout/").status_code, 302)
        self.assertEqual(self.client.get(f"/o/{self.soft.pk}/").status_code, 302)


class LockoutTest(GuildhallTestCase):
    def fail(self, username: str, address: str) -> object:
        return Client(REMOTE_ADDR=address).post(
            "/accounts/login/", {"username": username, "password": "wrong"})

    def test_the_account_locks_after_five_failures_from_any_address(self):
        for i in range(5):
            self.fail("soft-editor", f"10.0.0.{i}")
        response = Client(REMOTE_ADDR="10.9.9.9").post(
            "/accounts/login/", {"username": "soft-editor", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "锁定", status_code=429)

    def test_case_variants_of_the_e_mail_address_count_for_the_same_account(self):
        # Security finding 3 (issue 15).
        for i, typed in enumerate(("soft-editor@demo.guildhall.cn", "Soft-Editor@demo.guildhall.cn",
                                   "SOFT-EDITOR@DEMO.GUILDHALL.CN", "soft-editor@DEMO.guildhall.cn",
                                   "soft-editor")):
            self.fail(typed, f"10.0.1.{i}")
        response = Client(REMOTE_ADDR="10.9.9.8").post(
            "/accounts/login/", {"username": "soft-editor@demo.guildhall.cn", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)

    def test_other_accounts_are_not_locked_by_it(self):
        for i in range(5):
            self.fail("soft-editor", f"10.0.0.{i}")
        response = Client(REMOTE_ADDR="10.1.1.1").post(
            "/accounts/login/", {"username": "soft-reviewer", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def test_the_admin_unlocks_a_member(self):
        for i in range(5):
            self.fail("soft-editor", f"10.0.0.{i}")
        self.login("soft-admin")
        page = self.client.get(f"/o/{self.soft.pk}/members/")
        self.assertContains(page, "已锁定")
        membership = self.user("soft-editor").memberships.get()
        self.client.post(f"/o/{self.soft.pk}/members/{membership.pk}/unlock")
        response = Client(REMOTE_ADDR="10.9.9.9").post(
            "/accounts/login/", {"username": "soft-editor", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(AuditRecord.objects.filter(action="member.unlock").exists())


class UnlockScopeTest(GuildhallTestCase):
    """Security finding 2 (issue 15): an admin's unlock lifts the lockout of that account
    only — the addresses that failed stay paused — and only for an active member of the
    admin's own organization, audited."""

    def fail(self, username: str, address: str) -> object:
        return Client(REMOTE_ADDR=address).post(
            "/accounts/login/", {"username": username, "password": "wrong"})

    def sign_in(self, username: str, address: str) -> object:
        return Client(REMOTE_ADDR=address).post(
            "/accounts/login/", {"username": username, "password": PASSWORD})

    def unlock(self, admin: str, org, username: str) -> object:
        self.login(admin)
        membership = org.memberships.get(user__username=username)
        return self.client.post(f"/o/{org.pk}/members/{membership.pk}/unlock", follow=True)

    def test_the_unlock_keeps_the_guessing_address_paused(self):
        for _ in range(5):
            self.fail("soft-editor", "10.6.6.6")
        self.unlock("soft-admin", self.soft, "soft-editor")
        self.assertEqual(self.sign_in("soft-editor", "10.9.9.9").status_code, 302)
        # The address that guessed is still paused, for this account and for any other.
        self.assertEqual(self.fail("soft-editor", "10.6.6.6").status_code, 429)
        response = self.sign_in("soft-reviewer", "10.6.6.6")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "网络", status_code=429)

    def test_an_unlock_is_audited_with_the_failures_it_lifted(self):
        for i in range(5):
            self.fail("soft-editor", f"10.0.2.{i}")
        self.unlock("soft-admin", self.soft, "soft-editor")
        record = AuditRecord.objects.get(action="member.unlock")
        self.assertEqual((record.before, record.after),
                         ({"locked": True, "failures": 5}, {"locked": False}))

    def test_a_deactivated_member_is_not_unlocked(self):
        from guildhall.orgs.services import member_deactivate

        membership = self.soft.memberships.get(user__username="soft-editor")
        member_deactivate(actor=self.user("soft-admin"), membership=membership)
        for i in range(5):
            self.fail("soft-editor", f"10.0.3.{i}")
        response = self.unlock("soft-admin", self.soft, "soft-editor")
        self.assertContains(response, "停用")
        from axes.models import AccessAttempt

        self.assertEqual(AccessAttempt.objects.filter(username="soft-editor").count(), 5)
        self.assertFalse(AuditRecord.objects.filter(action="member.unlock").exists())

    def test_an_account_that_is_not_locked_is_not_unlocked(self):
        response = self.unlock("soft-admin", self.soft, "soft-editor")
        self.assertContains(response, "未被锁定")
        self.assertFalse(AuditRecord.objects.filter(action="member.unlock").exists())

    def test_another_organizations_admin_cannot_unlock(self):
        for i in range(5):
            self.fail("soft-editor", f"10.0.4.{i}")
        self.login("logi-admin")
        membership = self.soft.memberships.get(user__username="soft-editor")
        response = self.client.post(f"/o/{self.soft.pk}/members/{membership.pk}/unlock")
        self.assertEqual(response.status_code, 404)
        # Nor through their own organization's address with the other's membership id.
        response = self.client.post(f"/o/{self.logi.pk}/members/{membership.pk}/unlock")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.sign_in("soft-editor", "10.9.9.9").status_code, 429)

    def test_the_supervisor_admin_cannot_unlock_an_associations_member(self):
        for i in range(5):
            self.fail("soft-editor", f"10.0.5.{i}")
        self.login("sup-admin")
        membership = self.soft.memberships.get(user__username="soft-editor")
        response = self.client.post(f"/o/{self.soft.pk}/members/{membership.pk}/unlock")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.sign_in("soft-editor", "10.9.9.9").status_code, 429)


class SuccessResetTest(GuildhallTestCase):
    """A successful sign-in forgives that account's own failures only: signing in to one's
    own account from an address does not wipe the failures guessed there against another."""

    def test_a_sign_in_to_another_account_does_not_reset_the_guesses(self):
        guesser = Client(REMOTE_ADDR="10.7.7.7")
        for _ in range(4):
            guesser.post("/accounts/login/", {"username": "soft-editor", "password": "wrong"})
        self.assertEqual(guesser.post("/accounts/login/", {"username": "logi-staff",
                                                           "password": PASSWORD}).status_code, 302)
        guesser.post("/accounts/logout/")
        guesser.post("/accounts/login/", {"username": "soft-editor", "password": "wrong"})
        response = Client(REMOTE_ADDR="10.9.9.9").post(
            "/accounts/login/", {"username": "soft-editor", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)

    def test_a_sign_in_forgives_the_accounts_own_failures(self):
        client = Client(REMOTE_ADDR="10.7.7.8")
        for _ in range(4):
            client.post("/accounts/login/", {"username": "soft-editor", "password": "wrong"})
        client.post("/accounts/login/", {"username": "soft-editor", "password": PASSWORD})
        client.post("/accounts/logout/")
        for _ in range(4):
            client.post("/accounts/login/", {"username": "soft-editor", "password": "wrong"})
        self.assertEqual(client.post("/accounts/login/", {"username": "soft-editor",
                                                          "password": PASSWORD}).status_code, 302)


class IdleTimeoutTest(GuildhallTestCase):
    @override_settings(SESSION_IDLE_TIMEOUT=60)
    def test_an_idle_session_ends(self):
        self.login("soft-admin")
        self.assertEqual(self.client.get(f"/o/{self.soft.pk}/").status_code, 200)
        session = self.client.session
        session["last_seen"] = int(time.time()) - 120
        session.save()
        response = self.client.get(f"/o/{self.soft.pk}/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class TokenTest(GuildhallTestCase):
    def test_a_token_is_shown_once_and_works_until_revoked(self):
        self.login("soft-admin")
        response = self.client.post("/accounts/tokens/", {"name": "省平台"})
        key = response.context["new_key"]
        api = Client(headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(api.get("/api/v1/me").json()["username"], "soft-admin")
        self.assertNotContains(self.client.get("/accounts/tokens/"), key)
        token = self.user("soft-admin").api_tokens.get()
        self.client.post(f"/accounts/tokens/{token.pk}/revoke")
        self.assertEqual(api.get("/api/v1/me").status_code, 401)

    def test_someone_elses_token_cannot_be_revoked(self):
        from guildhall.accounts.services import token_create

        token, _ = token_create(actor=self.user("logi-admin"), name="x")
        self.login("soft-admin")
        self.assertEqual(self.client.post(f"/accounts/tokens/{token.pk}/revoke").status_code, 404)

    def test_create_token_command_prints_a_working_token(self):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("create_token", "sup-viewer", stdout=out)
        api = Client(headers={"Authorization": f"Bearer {out.getvalue().strip()}"})
        self.assertEqual(api.get("/api/v1/me").json()["username"], "sup-viewer")


@override_settings(PASSWORD_RESET_PER_ADDRESS=3, PASSWORD_RESET_PER_IP=5,
                   PASSWORD_RESET_WINDOW_MINUTES=60)
class ResetRateLimitTest(GuildhallTestCase):
    """Security finding 8 (issue 15): password reset requests are limited per address and
    per client address, with the same answer whether or not the account exists."""

    def setUp(self):
        from django.core.cache import cache

        cache.clear()
        self.addCleanup(cache.clear)

    def ask(self, email: str, address: str = "10.8.0.1") -> object:
        return Client(REMOTE_ADDR=address).post("/accounts/reset/", {"email": email})

    def test_a_fourth_request_for_one_address_within_the_hour_is_refused(self):
        from django.core import mail

        for i in range(3):
            self.assertEqual(self.ask("soft-staff@demo.guildhall.cn", f"10.8.1.{i}").status_code, 302)
        response = self.ask("Soft-Staff@demo.guildhall.cn", "10.8.1.9")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "重置密码的请求过多", status_code=429)
        self.assertContains(response, "60 分钟", status_code=429)
        self.assertContains(response, "Soft-Staff@demo.guildhall.cn", status_code=429)  # kept
        self.assertEqual(len(mail.outbox), 3)

    def test_the_answer_is_the_same_whether_or_not_the_account_exists(self):
        for i in range(3):
            self.ask("soft-staff@demo.guildhall.cn", f"10.8.2.{i}")
            self.ask("nobody@example.cn", f"10.8.3.{i}")
        known = self.ask("soft-staff@demo.guildhall.cn", "10.8.2.9")
        unknown = self.ask("nobody@example.cn", "10.8.3.9")
        self.assertEqual(known.status_code, unknown.status_code)
        strip = lambda r: r.content.decode().replace("soft-staff@demo.guildhall.cn", "X").replace(  # noqa: E731
            "nobody@example.cn", "X")
        import re

        token = re.compile(r'value="[A-Za-z0-9]{64}"|"X-CSRFToken": "[A-Za-z0-9]{64}"')
        self.assertEqual(token.sub("", strip(known)), token.sub("", strip(unknown)))

    def test_one_client_address_asking_for_many_accounts_is_refused(self):
        from django.core import mail

        for i in range(5):
            self.assertEqual(self.ask(f"person{i}@example.cn").status_code, 302)
        self.assertEqual(self.ask("soft-staff@demo.guildhall.cn").status_code, 429)
        self.assertEqual(len(mail.outbox), 0)
        # Another network still may.
        self.assertEqual(self.ask("soft-staff@demo.guildhall.cn", "10.8.9.9").status_code, 302)
        self.assertEqual(len(mail.outbox), 1)


class PasswordTest(GuildhallTestCase):
    def setUp(self):
        from django.core.cache import cache

        cache.clear()  # the reset limit counts per client address
    def test_reset_by_e_mail_then_sign_in_with_the_new_password(self):
        import re

        from django.core import mail

        self.client.post("/accounts/reset/", {"email": "soft-staff@demo.guildhall.cn"})
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"/accounts/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group(0)
        form_url = self.client.get(link)["Location"]
        response = self.client.post(form_url, {"new_password1": "a-new-long-passphrase-77",
                                               "new_password2": "a-new-long-passphrase-77"})
        self.assertRedirects(response, "/accounts/reset/done/")
        response = Client().post("/accounts/login/", {"username": "soft-staff",
                                                      "password": "a-new-long-passphrase-77"})
        self.assertEqual(response.status_code, 302)

    def test_change_password_refuses_a_weak_one_in_chinese(self):
        self.login("soft-staff")
        response = self.client.post("/accounts/password/", {
            "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "密码")
        self.assertIn("new_password2", response.context["form"].errors)


class PasswordAuditTest(GuildhallTestCase):
    """Security finding 6 (issue 15): password change and reset are audited, and a reset
    ends the person's API tokens and sessions."""

    def setUp(self):
        from django.core.cache import cache

        cache.clear()  # the reset limit counts per client address

    def test_a_reset_by_e_mail_is_audited_and_ends_tokens_and_sessions(self):
        import re

        from django.core import mail

        from guildhall.accounts.models import ApiToken

        api = self.api_client("soft-staff")
        other = Client()
        other.force_login(self.user("soft-staff"))
        self.client.post("/accounts/reset/", {"email": "soft-staff@demo.guildhall.cn"})
        link = re.search(r"/accounts/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group(0)
        form_url = self.client.get(link)["Location"]
        self.client.post(form_url, {"new_password1": "a-new-long-passphrase-77",
                                    "new_password2": "a-new-long-passphrase-77"})
        record = AuditRecord.objects.get(action="auth.password_reset")
        self.assertEqual(record.after, {"tokens_revoked": 1})
        self.assertFalse(ApiToken.objects.filter(user__username="soft-staff",
                                                 revoked_at__isnull=True).exists())
        self.assertEqual(api.get("/api/v1/me").status_code, 401)
        self.assertEqual(other.get(f"/o/{self.soft.pk}/").status_code, 302)  # signed out

    def test_a_password_change_is_audited_and_keeps_this_session(self):
        self.login("soft-staff")
        response = self.client.post("/accounts/password/", {
            "old_password": PASSWORD, "new_password1": "a-new-long-passphrase-77",
            "new_password2": "a-new-long-passphrase-77"})
        self.assertRedirects(response, "/accounts/password/done/")
        self.assertTrue(AuditRecord.objects.filter(action="auth.password_change",
                                                   actor_name="soft-staff").exists())
        self.assertEqual(self.client.get(f"/o/{self.soft.pk}/").status_code, 200)


class ReviewFindingsSignInTest(GuildhallTestCase):
    def test_an_exact_user_name_wins_over_an_e_mail_address(self):
        from guildhall.accounts.backends import UsernameOrEmailBackend

        backend = UsernameOrEmailBackend()
        user = backend.authenticate(None, username="SOFT-EDITOR@demo.guildhall.cn", password=PASSWORD)
        self.assertEqual(user.username, "soft-editor")

    def test_a_failed_e_mail_sign_in_is_audited_masked(self):
        self.client.post("/accounts/login/", {"username": "zhangsan@example.cn", "password": "x"})
        record = AuditRecord.objects.get(action="auth.login_failed")
        self.assertNotIn("zhangsan", record.after["username"])
