"""The second factor (issue 15, "Build"): a TOTP app set up from a QR code, recovery codes,
required for the admins of supervising bodies and the principals and admins of
associations, reset by an admin; API tokens unaffected."""

import re
import time
from binascii import unhexlify

from django.test import Client, override_settings
from django_otp.oath import TOTP

from guildhall.accounts.second_factor import SESSION_KEY
from guildhall.audit.models import AuditRecord
from guildhall.testing import GuildhallTestCase

PASSWORD = "guildhall-demo"


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def next_code(device) -> str:
    """The app's next code: the one used at set-up may not sign in again."""
    totp = TOTP(device.bin_key)
    totp.time = time.time() + 30
    return f"{totp.token():06d}"


def set_up(client: Client) -> list[str]:
    """Set up the authenticator as the phone would; return the recovery codes."""
    client.get("/accounts/second-factor/")
    key = client.session[SESSION_KEY]
    response = client.post("/accounts/second-factor/", {"code": f"{TOTP(unhexlify(key)).token():06d}",
                                                        "next": "/"}, follow=True)
    return response.context["codes"]


@override_settings(SECOND_FACTOR="roles")
class SecondFactorTest(GuildhallTestCase):
    def test_an_association_admin_sets_it_up_before_any_page(self):
        client = signed_in("soft-admin")
        home = f"/o/{self.soft.pk}/"
        response = client.get(home)
        self.assertRedirects(response, f"/accounts/second-factor/?next={home}",
                             fetch_redirect_response=False)
        page = client.get(response["Location"])
        self.assertContains(page, "设置")
        self.assertRegex(page.content.decode(), r'<img src="data:image/svg\+xml')
        manual = re.search(r'id="manual-key">([A-Z2-7 ]+)<', page.content.decode()).group(1)
        self.assertEqual(len(manual.replace(" ", "")), 32)

        wrong = client.post("/accounts/second-factor/", {"code": "000000", "next": home})
        self.assertEqual(wrong.status_code, 400)
        self.assertContains(wrong, "验证码不正确", status_code=400)
        self.assertFalse(self.user("soft-admin").totpdevice_set.exists())

        key = client.session[SESSION_KEY]
        response = client.post("/accounts/second-factor/", {"code": f"{TOTP(unhexlify(key)).token():06d}",
                                                            "next": home})
        codes_page = client.get(response["Location"])
        codes = codes_page.context["codes"]
        self.assertEqual(len(set(codes)), 10)
        self.assertContains(codes_page, codes[0])
        # Shown once.
        self.assertEqual(client.get("/accounts/second-factor/codes/").status_code, 302)
        self.assertEqual(client.get(home).status_code, 200)
        self.assertTrue(AuditRecord.objects.filter(action="auth.second_factor_setup",
                                                   actor_name="soft-admin").exists())

    def test_the_next_sign_in_asks_for_the_code(self):
        codes = set_up(signed_in("sup-admin"))
        self.assertEqual(len(codes), 10)
        client = signed_in("sup-admin")
        self.assertEqual(client.get(f"/o/{self.sup.pk}/").status_code, 302)
        page = client.get("/accounts/second-factor/")
        self.assertNotContains(page, "manual-key")
        device = self.user("sup-admin").totpdevice_set.get()
        response = client.post("/accounts/second-factor/", {
            "code": next_code(device), "next": f"/o/{self.sup.pk}/"})
        self.assertRedirects(response, f"/o/{self.sup.pk}/")
        self.assertTrue(AuditRecord.objects.filter(action="auth.second_factor").exists())

    def test_a_recovery_code_signs_in_once(self):
        codes = set_up(signed_in("soft-principal"))
        client = signed_in("soft-principal")
        self.assertEqual(client.post("/accounts/second-factor/",
                                     {"code": codes[0]}).status_code, 302)
        record = AuditRecord.objects.filter(action="auth.second_factor").latest("pk")
        self.assertEqual(record.after, {"recovery_code": True, "recovery_codes_left": 9})
        again = signed_in("soft-principal")
        self.assertEqual(again.post("/accounts/second-factor/", {"code": codes[0]}).status_code, 400)
        self.assertTrue(AuditRecord.objects.filter(action="auth.second_factor_failed").exists())

    def test_other_roles_are_not_asked_unless_they_set_one_up(self):
        for username, org in (("soft-staff", self.soft), ("soft-editor", self.soft)):
            self.assertEqual(signed_in(username).get(f"/o/{org.pk}/").status_code, 200, username)
        set_up(signed_in("soft-editor"))
        self.assertEqual(signed_in("soft-editor").get(f"/o/{self.soft.pk}/").status_code, 302)

    def test_every_supervisor_role_is_asked(self):
        for username in ("sup-approver", "sup-viewer", "sup-admin"):
            self.assertEqual(signed_in(username).get(f"/o/{self.sup.pk}/").status_code, 302,
                             username)

    @override_settings(SECOND_FACTOR="everyone")
    def test_a_setting_asks_everyone(self):
        self.assertEqual(signed_in("soft-staff").get(f"/o/{self.soft.pk}/").status_code, 302)

    def test_the_set_up_code_cannot_be_replayed(self):
        client = signed_in("soft-admin")
        client.get("/accounts/second-factor/")
        key = client.session[SESSION_KEY]
        code = f"{TOTP(unhexlify(key)).token():06d}"
        client.post("/accounts/second-factor/", {"code": code})
        again = signed_in("soft-admin")
        self.assertEqual(again.post("/accounts/second-factor/", {"code": code}).status_code, 400)

    def test_api_tokens_are_not_affected(self):
        api = self.api_client("soft-admin")
        self.assertEqual(api.get("/api/v1/me").status_code, 200)

    def test_the_next_address_stays_on_the_site(self):
        set_up(signed_in("soft-admin"))
        client = signed_in("soft-admin")
        device = self.user("soft-admin").totpdevice_set.get()
        response = client.post("/accounts/second-factor/", {
            "code": next_code(device), "next": "https://evil.example/"})
        self.assertRedirects(response, "/", fetch_redirect_response=False)


@override_settings(SECOND_FACTOR="roles")
class ResetSecondFactorTest(GuildhallTestCase):
    def admin(self) -> Client:
        client = signed_in("soft-admin")
        set_up(client)
        return client

    def url(self, org, username: str) -> str:
        membership = org.memberships.get(user__username=username)
        return f"/o/{org.pk}/members/{membership.pk}/reset-second-factor"

    def test_an_admin_resets_a_members_lost_phone(self):
        principal = signed_in("soft-principal")
        set_up(principal)
        admin = self.admin()
        page = admin.get(f"/o/{self.soft.pk}/members/")
        self.assertContains(page, "重置两步验证")
        response = admin.post(self.url(self.soft, "soft-principal"), follow=True)
        self.assertContains(response, "已保存")
        self.assertFalse(self.user("soft-principal").totpdevice_set.exists())
        self.assertFalse(self.user("soft-principal").staticdevice_set.exists())
        record = AuditRecord.objects.get(action="member.reset_second_factor")
        self.assertEqual(record.after, {"second_factor": False})
        # Signed out everywhere; at the next sign-in they set up a new one.
        self.assertEqual(principal.get(f"/o/{self.soft.pk}/").status_code, 302)
        again = signed_in("soft-principal")
        self.assertContains(again.get("/accounts/second-factor/"), "manual-key")

    def test_nothing_to_reset_is_said_so(self):
        response = self.admin().post(self.url(self.soft, "soft-staff"), follow=True)
        self.assertContains(response, "没有设置两步验证")
        self.assertFalse(AuditRecord.objects.filter(action="member.reset_second_factor").exists())

    def test_another_organizations_admin_cannot(self):
        set_up(signed_in("soft-principal"))
        client = signed_in("logi-admin")
        set_up(client)
        self.assertEqual(client.post(self.url(self.soft, "soft-principal")).status_code, 404)
        self.assertTrue(self.user("soft-principal").totpdevice_set.exists())


@override_settings(SECOND_FACTOR="roles")
class RecoveryCodesHashedTest(GuildhallTestCase):
    """Issue 15 (open item): recovery codes were stored plain in django-otp's StaticToken."""

    def test_no_code_is_stored_as_typed(self):
        from django.db import connection
        from django_otp.plugins.otp_static.models import StaticToken

        from guildhall.accounts.models import RecoveryCode

        codes = [c.replace("-", "") for c in set_up(signed_in("soft-principal"))]
        self.assertEqual(StaticToken.objects.count(), 0)
        stored = list(RecoveryCode.objects.values_list("salt", "code_hash"))
        self.assertEqual(len(stored), 10)
        self.assertEqual(len({salt for salt, _ in stored}), 10)  # one salt per code
        with connection.cursor() as cursor:
            cursor.execute("SELECT salt, code_hash FROM accounts_recoverycode")
            dump = repr(cursor.fetchall())
        for code in codes:
            self.assertNotIn(code, dump)

    def test_the_migration_hashes_existing_plain_codes(self):
        from importlib import import_module

        from django.apps import apps
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

        user = self.user("soft-staff")
        device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        StaticToken.objects.create(device=device, token="12345678")
        migration = import_module("guildhall.accounts.migrations.0002_recovery_codes_hashed")
        migration.hash_existing_codes(apps, None)
        self.assertEqual(StaticToken.objects.count(), 0)
        from guildhall.accounts.second_factor import use_recovery_code
        self.assertTrue(use_recovery_code(device, "12345678"))
        self.assertFalse(use_recovery_code(device, "12345678"))  # used up
