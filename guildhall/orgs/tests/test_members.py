import datetime as dt
import re

from django.core import mail
from django.test import Client
from django.utils import timezone

from guildhall.accounts.models import User
from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.orgs import services
from guildhall.orgs.models import Invitation, Membership
from guildhall.testing import GuildhallTestCase


class MembersTest(GuildhallTestCase):
    def test_admin_invites_a_new_person_who_sets_up_an_account(self):
        self.login("soft-admin")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/o/{self.soft.pk}/members/invite",
                                        {"email": "new.person@example.cn", "role": "editor"})
        self.assertRedirects(response, f"/o/{self.soft.pk}/members/")
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"/invitations/[^/\s]+/", mail.outbox[0].body).group(0)
        record = AuditRecord.objects.get(action="member.invite")
        self.assertNotIn("new.person", str(record.after))  # masked

        visitor = Client()
        response = visitor.post(link, {"username": "newperson", "full_name": "新同事",
                                       "password": "short"})
        self.assertEqual(response.status_code, 200)  # password too weak, input kept
        self.assertContains(response, "新同事")
        response = visitor.post(link, {"username": "newperson", "full_name": "新同事",
                                       "password": "a-long-enough-passphrase-42"})
        self.assertRedirects(response, "/accounts/login/")
        user = User.objects.get(username="newperson")
        self.assertEqual(user.memberships.get().role, "editor")
        self.assertEqual(visitor.get(link).status_code, 404)  # used up

    def test_an_existing_account_joins_only_by_accepting_the_invitation(self):
        self.login("soft-admin")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/o/{self.soft.pk}/members/invite",
                                        {"email": "Logi-Staff@demo.guildhall.cn", "role": "staff"})
        with self.captureOnCommitCallbacks(execute=True):
            unknown = self.client.post(f"/o/{self.soft.pk}/members/invite",
                                       {"email": "nobody@example.cn", "role": "staff"})
        # The same answer whether or not the address has an account.
        self.assertEqual(response.status_code, unknown.status_code)
        logi_staff = self.user("logi-staff")
        self.assertFalse(Membership.objects.filter(user=logi_staff, organization=self.soft).exists())
        invitation = Invitation.objects.get(email="logi-staff@demo.guildhall.cn")
        self.assertEqual(len(mail.outbox), 2)
        link = f"/invitations/{invitation.token}/"
        # Signed in as someone else: refused, nothing joins.
        self.login("logi-editor")
        self.client.post(link)
        self.assertFalse(Membership.objects.filter(organization=self.soft,
                                                   user=self.user("logi-editor")).exists())
        self.login("logi-staff")
        page = self.client.get(link)
        self.assertContains(page, "logi-staff@demo.guildhall.cn")
        self.assertRedirects(self.client.post(link), f"/o/{self.soft.pk}/")
        self.assertEqual(Membership.objects.get(user=logi_staff, organization=self.soft).role, "staff")
        self.assertEqual(self.client.get(link).status_code, 404)  # used up

    def test_a_role_that_the_organization_does_not_have_is_refused(self):
        self.login("soft-admin")
        response = self.client.post(f"/o/{self.soft.pk}/members/invite",
                                    {"email": "x@example.cn", "role": "approver"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "x@example.cn", status_code=400)

    def test_deactivation_ends_the_members_sessions_at_once(self):
        staff = self.user("soft-staff")
        staff_client = Client()
        staff_client.force_login(staff)
        self.assertEqual(staff_client.get(f"/o/{self.soft.pk}/").status_code, 200)
        self.login("soft-admin")
        membership = staff.memberships.get()
        self.client.post(f"/o/{self.soft.pk}/members/{membership.pk}/deactivate")
        membership.refresh_from_db()
        self.assertFalse(membership.is_active)
        response = staff_client.get(f"/o/{self.soft.pk}/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_set_role_takes_effect_and_is_audited(self):
        self.login("soft-admin")
        membership = self.user("soft-staff").memberships.get()
        self.client.post(f"/o/{self.soft.pk}/members/{membership.pk}/role", {"role": "reviewer"})
        membership.refresh_from_db()
        self.assertEqual(membership.role, "reviewer")
        record = AuditRecord.objects.get(action="member.set_role")
        self.assertEqual((record.before, record.after), ({"role": "staff"}, {"role": "reviewer"}))

    def test_an_admin_cannot_deactivate_themselves(self):
        admin = self.login("soft-admin")
        membership = admin.memberships.get()
        response = self.client.post(f"/o/{self.soft.pk}/members/{membership.pk}/deactivate",
                                    follow=True)
        self.assertContains(response, "不能停用自己")
        membership.refresh_from_db()
        self.assertTrue(membership.is_active)

    def test_principal_sees_members_but_cannot_manage(self):
        self.login("soft-principal")
        self.assertEqual(self.client.get(f"/o/{self.soft.pk}/members/").status_code, 200)
        membership = self.user("soft-staff").memberships.get()
        response = self.client.post(f"/o/{self.soft.pk}/members/{membership.pk}/deactivate")
        self.assertEqual(response.status_code, 403)

    def test_a_membership_of_another_organization_is_404(self):
        self.login("soft-admin")
        other = self.user("logi-staff").memberships.get()
        response = self.client.post(f"/o/{self.soft.pk}/members/{other.pk}/deactivate")
        self.assertEqual(response.status_code, 404)

    def test_the_members_page_keeps_a_flat_query_count(self):
        self.login("soft-admin")
        self.client.get(f"/o/{self.soft.pk}/members/")
        with self.assertQueryCountAtMost(100) as few:
            self.client.get(f"/o/{self.soft.pk}/members/")
        for i in range(30):
            user = User.objects.create(username=f"extra{i}", email=f"extra{i}@example.cn")
            Membership.objects.create(user=user, organization=self.soft, role="staff")
        with self.assertQueryCountAtMost(len(few.captured_queries)):
            self.client.get(f"/o/{self.soft.pk}/members/")


class ReviewFindingsTest(GuildhallTestCase):
    def test_deactivating_the_last_membership_revokes_the_api_tokens(self):
        from guildhall.accounts.services import token_create
        from guildhall.orgs.services import member_deactivate, member_reactivate

        staff = self.user("soft-staff")
        _token, key = token_create(actor=staff, name="x")
        api = Client(headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(api.get("/api/v1/me").status_code, 200)
        membership = staff.memberships.get()
        member_deactivate(actor=self.user("soft-admin"), membership=membership)
        member_reactivate(actor=self.user("soft-admin"), membership=membership)
        self.assertEqual(api.get("/api/v1/me").status_code, 401)

    def test_a_user_name_cannot_look_like_an_e_mail_address(self):
        invitation = Invitation.objects.create(organization=self.soft, email="a@example.cn", role="staff")
        response = Client().post(f"/invitations/{invitation.token}/", {
            "username": "soft-admin@demo.guildhall.cn", "full_name": "冒充",
            "password": "a-long-enough-passphrase-42"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "@")
        self.assertFalse(User.objects.filter(username__contains="@").exists())

    def test_organization_contacts_are_masked_in_the_audit_trail(self):
        from guildhall.orgs.demo import credit_code
        from guildhall.orgs.services import organization_create

        org = organization_create(actor=self.user("sup-admin"), parent=self.sup, kind="association",
                                  data={"code": "mask", "name": "脱敏测试协会",
                                        "credit_code": credit_code("51320000MJ6666666"),
                                        "contact_phone": "13912345678",
                                        "contact_email": "zhangsan@example.cn"})
        after = AuditRecord.objects.get(action="org.create", organization_id=org.pk).after
        self.assertEqual(after["contact_phone"], "139****5678")
        self.assertNotIn("zhangsan", after["contact_email"])

    def test_only_top_level_supervisor_admins_enter_the_national_calendar(self):
        from guildhall.orgs.models import Organization
        from guildhall.orgs.permissions import can

        self.assertTrue(can(self.user("sup-admin"), "calendar.manage"))
        child = Organization.objects.create(kind="supervisor", parent=self.sup, code="sub",
                                            name="下级主管单位", credit_code="x" * 18,
                                            path=f"{self.sup.path}999/")
        person = User.objects.create(username="sub-admin", email="sub-admin@example.cn")
        Membership.objects.create(user=person, organization=child, role="admin")
        self.assertFalse(can(person, "calendar.manage"))


class InvitationFormTest(GuildhallTestCase):
    def test_an_invitation_starts_at_the_staff_role(self):
        self.login("soft-admin")
        page = self.client.get(f"/o/{self.soft.pk}/members/").content.decode()
        self.assertRegex(page, r'<option value="staff" selected>')


class PendingInvitationsTest(GuildhallTestCase):
    def invite(self, email="late.reader@example.cn"):
        self.login("soft-admin")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/o/{self.soft.pk}/members/invite", {"email": email, "role": "staff"})
        return Invitation.objects.get(email=email)

    def test_an_admin_sends_a_pending_invitation_again_with_the_same_link(self):
        invitation = self.invite()
        page = self.client.get(f"/o/{self.soft.pk}/members/")
        self.assertContains(page, f"/members/invitations/{invitation.pk}/resend")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/o/{self.soft.pk}/members/invitations/{invitation.pk}/resend")
        self.assertRedirects(response, f"/o/{self.soft.pk}/members/")
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn(f"/invitations/{invitation.token}/", mail.outbox[1].body)
        record = AuditRecord.objects.get(action="member.invite_resend")
        self.assertNotIn("late.reader", str(record.after))  # masked
        invitation.refresh_from_db()
        self.assertGreater(invitation.sent_at, invitation.created_at)

    def test_a_cancelled_invitations_link_is_refused_with_a_clear_message(self):
        invitation = self.invite()
        response = self.client.post(f"/o/{self.soft.pk}/members/invitations/{invitation.pk}/cancel")
        self.assertRedirects(response, f"/o/{self.soft.pk}/members/")
        self.assertTrue(AuditRecord.objects.filter(action="member.invite_cancel").exists())
        self.assertNotContains(self.client.get(f"/o/{self.soft.pk}/members/"), "late.reader")

        visitor = Client()
        link = f"/invitations/{invitation.token}/"
        page = visitor.get(link)
        self.assertEqual(page.status_code, 410)
        self.assertTemplateUsed(page, "orgs/invitation_cancelled.html")
        response = visitor.post(link, {"username": "latereader", "full_name": "迟到者",
                                       "password": "a-long-enough-passphrase-42"})
        self.assertEqual(response.status_code, 410)
        self.assertFalse(User.objects.filter(username="latereader").exists())
        # Neither can it be sent again or cancelled twice.
        self.client.post(f"/o/{self.soft.pk}/members/invitations/{invitation.pk}/resend")
        self.assertEqual(len(mail.outbox), 1)

    def test_an_expired_invitation_is_refused_until_it_is_sent_again(self):
        invitation = self.invite()
        self.assertIn(f"有效期至 {timezone.localtime(invitation.expires_at):%Y-%m-%d}",
                      mail.outbox[0].body)
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=timezone.now() - dt.timedelta(days=15), sent_at=None)
        self.assertContains(self.client.get(f"/o/{self.soft.pk}/members/"), "已过期")
        visitor = Client()
        link = f"/invitations/{invitation.token}/"
        page = visitor.get(link)
        self.assertEqual(page.status_code, 410)
        self.assertContains(page, "邀请已过期", status_code=410)
        visitor.post(link, {"username": "latereader", "full_name": "迟到者",
                            "password": "a-long-enough-passphrase-42"})
        self.assertFalse(User.objects.filter(username="latereader").exists())
        invitation.refresh_from_db()
        with self.assertRaises(DomainError) as refused:
            services.invitation_accept(invitation=invitation, username="latereader",
                                       full_name="迟到者", password="a-long-enough-passphrase-42")
        self.assertEqual(refused.exception.code, "expired")
        # Sent again, the same link works for another INVITATION_DAYS.
        self.client.post(f"/o/{self.soft.pk}/members/invitations/{invitation.pk}/resend")
        response = visitor.post(link, {"username": "latereader", "full_name": "迟到者",
                                       "password": "a-long-enough-passphrase-42"})
        self.assertRedirects(response, "/accounts/login/", fetch_redirect_response=False)
        self.assertTrue(User.objects.filter(username="latereader").exists())

    def test_resending_counts_towards_the_hourly_limit_of_invitations(self):
        invitation = self.invite()
        with self.settings(INVITATIONS_PER_HOUR=1):
            response = self.client.post(
                f"/o/{self.soft.pk}/members/invitations/{invitation.pk}/resend", follow=True)
        self.assertEqual([m.level_tag for m in response.context["messages"]], ["success", "error"])
        self.assertEqual(len(mail.outbox), 1)
        self.assertFalse(AuditRecord.objects.filter(action="member.invite_resend").exists())

    def test_a_principal_sees_pending_invitations_without_the_buttons(self):
        invitation = self.invite()
        self.login("soft-principal")
        page = self.client.get(f"/o/{self.soft.pk}/members/")
        self.assertContains(page, "late.reader@example.cn")
        self.assertNotContains(page, "/resend")
        self.assertNotContains(page, 'id="invite-form"')
        response = self.client.post(f"/o/{self.soft.pk}/members/invitations/{invitation.pk}/cancel")
        self.assertEqual(response.status_code, 403)

    def test_another_organizations_invitation_is_404(self):
        invitation = Invitation.objects.create(organization=self.logi, email="x@example.cn", role="staff")
        self.login("soft-admin")
        response = self.client.post(f"/o/{self.soft.pk}/members/invitations/{invitation.pk}/cancel")
        self.assertEqual(response.status_code, 404)

    def test_the_api_lists_resends_and_cancels_pending_invitations(self):
        invitation = self.invite()
        api = self.api_client("soft-admin")
        listed = api.get(f"/api/v1/orgs/{self.soft.pk}/invitations").json()
        self.assertEqual([i["email"] for i in listed], ["late.reader@example.cn"])
        with self.captureOnCommitCallbacks(execute=True):
            response = api.post(f"/api/v1/orgs/{self.soft.pk}/invitations/{invitation.pk}/resend")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(len(mail.outbox), 2)
        response = api.post(f"/api/v1/orgs/{self.soft.pk}/invitations/{invitation.pk}/cancel")
        self.assertEqual(response.status_code, 200)
        self.assertIsNotNone(response.json()["cancelled_at"])
        again = api.post(f"/api/v1/orgs/{self.soft.pk}/invitations/{invitation.pk}/cancel")
        self.assertEqual((again.status_code, again.json()["code"]), (409, "cancelled"))
        self.assertEqual(api.get(f"/api/v1/orgs/{self.soft.pk}/invitations").json(), [])
