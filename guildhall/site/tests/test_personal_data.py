"""Personal data (PIPL, issue 15): an admin exports what the organization holds about one
person and erases a person who has left; the audit chain still verifies."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from guildhall.audit.models import AuditRecord
from guildhall.audit.services import record, verify_chain
from guildhall.orgs import services as org_services
from guildhall.testing import ALL_DEMO, GuildhallTestCase

NAME, EMAIL, PHONE = "欧阳测试", "ouyang.test@example.cn", "13912340077"


def database_texts() -> str:
    """Every text column of every table, as stored (the database dump a reader would
    search), JSON escapes decoded too."""
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            description = connection.introspection.get_table_description(cursor, table)
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (table names from the schema)
            for row in cursor.fetchall():
                for column, value in zip(description, row, strict=True):
                    if isinstance(value, (dict, list)):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str):
                        out.append(value)
                        if "\\u" in value:
                            out.append(value.encode().decode("unicode_escape", "ignore"))
                    del column
    return "\n".join(out)


class PersonalDataTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    def setUp(self):
        from guildhall.events.models import Filing
        from guildhall.records.models import Attachment

        self.admin = self.user("soft-admin")
        self.person = self.user("soft-staff")
        self.person.full_name, self.person.email, self.person.phone = NAME, EMAIL, PHONE
        self.person.save()
        start = timezone.now() + dt.timedelta(days=30)
        self.filing = Filing.objects.create(
            organization=self.soft, title="讲座", type="lecture", starts_at=start,
            ends_at=start + dt.timedelta(hours=2), organizer="软件协会", created_by=self.person,
            speakers=[{"name": NAME, "topic": f"联系 {PHONE}"}], onsite_phone=PHONE,
            notify_list=f"{NAME} <{EMAIL}>")
        from guildhall.notifications.models import Notification

        Notification.objects.create(recipient=self.person, organization=None, kind="test",
                                    subject=f"{NAME} 您好", body=f"已发往 {EMAIL.title()}")
        record(actor=self.person, action="member.add", organization=self.soft, obj=self.filing,
               after={"name": NAME, "email": EMAIL, "phone": PHONE})
        self.upload = Attachment.objects.create(
            organization=self.soft, subject=self.filing,
            original_name="讲稿.txt", content_type="text/plain", size=6, sha256="0" * 64,
            uploaded_by=self.person, file=ContentFile(b"slides", name="slides.txt"))
        self.client.force_login(self.admin)

    def deactivate(self):
        membership = self.soft.memberships.get(user=self.person)
        org_services.member_deactivate(actor=self.admin, membership=membership)
        return membership

    # --- export ---

    def test_the_export_holds_the_persons_records_and_files_and_no_one_elses_data(self):
        from guildhall.meetings.models import Meeting

        Meeting.objects.filter(organization=self.soft).first().attendees.add(self.person)
        response = self.client.get(f"/o/{self.soft.pk}/people/{self.person.pk}/export.zip")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(archive.read(f"files/{self.upload.pk}-讲稿.txt"), b"slides")
        text = archive.read("person.json").decode("utf-8")
        data = json.loads(text)
        self.assertEqual(data["账号"]["电子邮箱"], EMAIL)
        kinds = {r["类别"] for r in data["记录"]}
        self.assertIn("专题研究会议", kinds)  # an attendee (many-to-many)
        self.assertIn("报备", kinds)
        self.assertTrue(any(r["编号"] == self.filing.pk for r in data["记录"]))
        for other in self.soft.memberships.exclude(user=self.person).select_related("user"):
            for value in (other.user.email, other.user.username):
                self.assertNotIn(value, text)
        self.assertTrue(AuditRecord.objects.filter(action="member.export",
                                                   organization_id=self.soft.pk).exists())

    def test_another_organizations_admin_is_refused(self):
        self.client.force_login(self.user("logi-admin"))
        for url in (f"/o/{self.soft.pk}/people/{self.person.pk}/",
                    f"/o/{self.soft.pk}/people/{self.person.pk}/export.zip",
                    f"/o/{self.logi.pk}/people/{self.person.pk}/export.zip"):
            self.assertIn(self.client.get(url).status_code, (403, 404), url)
        self.deactivate()
        response = self.client.post(f"/o/{self.logi.pk}/people/{self.person.pk}/erase",
                                    {"confirm_name": NAME})
        self.assertEqual(response.status_code, 404)
        self.person.refresh_from_db()
        self.assertEqual(self.person.full_name, NAME)

    # --- erasure ---

    def test_an_active_member_is_not_erased(self):
        response = self.client.post(f"/o/{self.soft.pk}/people/{self.person.pk}/erase",
                                    {"confirm_name": NAME})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "仍是活跃成员", status_code=409)

    def test_the_name_must_be_typed_to_confirm(self):
        self.deactivate()
        response = self.client.post(f"/o/{self.soft.pk}/people/{self.person.pk}/erase",
                                    {"confirm_name": "别人"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "输入", status_code=400)
        self.person.refresh_from_db()
        self.assertEqual(self.person.full_name, NAME)

    def test_erasure_leaves_no_trace_and_the_chain_verifies(self):
        self.deactivate()
        self.assertIn(NAME, database_texts())
        response = self.client.post(f"/o/{self.soft.pk}/people/{self.person.pk}/erase",
                                    {"confirm_name": NAME})
        self.assertEqual(response.status_code, 302)
        texts = database_texts()
        for value in (NAME, EMAIL, PHONE, "soft-staff@"):
            self.assertNotIn(value, texts, value)
        # The address written with capitals is the same address.
        self.assertNotIn(EMAIL, texts.lower())
        self.person.refresh_from_db()
        self.assertFalse(self.person.is_active)
        self.assertFalse(self.person.has_usable_password())
        self.assertEqual(self.person.full_name, f"已离开的成员 #{self.person.pk}")
        self.filing.refresh_from_db()
        self.assertEqual(self.filing.speakers[0]["name"], f"已离开的成员 #{self.person.pk}")
        result = verify_chain()
        self.assertTrue(result.ok, result.problem)
        self.assertGreater(result.masked, 0)
        out = io.StringIO()
        call_command("verify_audit", stdout=out)
        self.assertIn("audit chain OK", out.getvalue())
        erasure = AuditRecord.objects.filter(action="member.erase",
                                             organization_id=self.soft.pk).get()
        self.assertEqual(erasure.actor_id, self.admin.pk)
        self.assertEqual(erasure.after["scope"], "account")
        membership = self.soft.memberships.get(user=self.person)
        reactivate = self.client.post(f"/o/{self.soft.pk}/members/{membership.pk}/reactivate",
                                      follow=True)
        self.assertContains(reactivate, "账号不能再使用")
        self.assertFalse(self.person.memberships.filter(is_active=True).exists())

    def test_a_person_active_elsewhere_keeps_the_account_and_this_org_forgets_them(self):
        from guildhall.meetings.models import Meeting
        from guildhall.orgs.models import Membership

        Membership.objects.create(user=self.person, organization=self.logi, role="staff")
        meeting = Meeting.objects.filter(organization=self.soft).first()
        meeting.attendees.add(self.person)
        self.deactivate()
        response = self.client.post(f"/o/{self.soft.pk}/people/{self.person.pk}/erase",
                                    {"confirm_name": NAME})
        self.assertEqual(response.status_code, 302)
        self.person.refresh_from_db()
        self.assertEqual((self.person.full_name, self.person.is_active), (NAME, True))
        self.filing.refresh_from_db()
        self.assertNotEqual(self.filing.created_by_id, self.person.pk)
        self.assertNotIn(NAME, json.dumps(self.filing.speakers, ensure_ascii=False))
        self.assertFalse(self.soft.memberships.filter(user=self.person).exists())
        self.assertFalse(meeting.attendees.filter(pk=self.person.pk).exists())
        self.assertTrue(meeting.attendees.filter(full_name=f"已离开的成员 #{self.person.pk}")
                        .exists())
        self.assertTrue(self.logi.memberships.filter(user=self.person, is_active=True).exists())
        self.assertTrue(verify_chain().ok)
        self.assertEqual(AuditRecord.objects.get(action="member.erase",
                                                 organization_id=self.soft.pk).after["scope"],
                         "organization")


class PersonalDataApiTest(GuildhallTestCase):
    def setUp(self):
        self.person = self.user("soft-staff")

    def test_an_admin_exports_and_erases_through_the_api(self):
        api = self.api_client("soft-admin", language="zh-hans")
        response = api.get(f"/api/v1/orgs/{self.soft.pk}/people/{self.person.pk}/export")
        self.assertEqual(response.status_code, 200)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        self.assertIn("person.json", archive.namelist())
        url = f"/api/v1/orgs/{self.soft.pk}/people/{self.person.pk}/erase"
        refused = api.post(url, {"confirm_name": self.person.full_name},
                           content_type="application/json")
        self.assertEqual((refused.status_code, refused.json()["code"]), (409, "not_erasable"))
        membership = self.soft.memberships.get(user=self.person)
        org_services.member_deactivate(actor=self.user("soft-admin"), membership=membership)
        done = api.post(url, {"confirm_name": self.person.full_name},
                        content_type="application/json")
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["scope"], "account")
        self.assertTrue(verify_chain().ok)

    def test_other_roles_and_organizations_are_refused(self):
        for username in ("soft-staff", "soft-principal", "logi-admin"):
            api = self.api_client(username)
            response = api.get(f"/api/v1/orgs/{self.soft.pk}/people/{self.person.pk}/export")
            self.assertIn(response.status_code, (403, 404), username)


def test_the_erasure_writes_the_action_verify_audit_accepts():
    from guildhall.audit.services import ERASURE_ACTION

    assert ERASURE_ACTION == "member.erase"
