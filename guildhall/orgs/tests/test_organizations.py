from io import BytesIO

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from openpyxl import Workbook

from guildhall.audit.models import AuditRecord
from guildhall.orgs import services
from guildhall.orgs.demo import credit_code
from guildhall.orgs.models import Invitation, Membership, Organization
from guildhall.orgs.scoping import visible_orgs
from guildhall.orgs.signals import organization_renamed
from guildhall.orgs.validators import validate_credit_code
from guildhall.testing import GuildhallTestCase


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["代码", "名称", "简称", "统一社会信用代码", "地区", "联系人", "电话", "邮箱",
                  "首位管理员邮箱"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("orgs.xlsx", buffer.getvalue())


class CreditCodeTest(GuildhallTestCase):
    def test_a_valid_code_passes(self):
        validate_credit_code(credit_code("51320000MJ5432199"))

    def test_a_wrong_check_character_is_named(self):
        good = credit_code("51320000MJ5432199")
        wrong = good[:17] + ("0" if good[17] != "0" else "1")
        with self.assertRaises(ValidationError) as ctx:
            validate_credit_code(wrong)
        self.assertIn(f"“{wrong[17]}”", ctx.exception.messages[0])
        self.assertIn(f"“{good[17]}”", ctx.exception.messages[0])

    def test_a_forbidden_letter_is_named_with_its_position(self):
        with self.assertRaises(ValidationError) as ctx:
            validate_credit_code("51320000MJ54321O99")
        self.assertIn("16", ctx.exception.messages[0])
        self.assertIn("“O”", ctx.exception.messages[0])

    def test_length_is_checked(self):
        with self.assertRaises(ValidationError):
            validate_credit_code("5132")


class VisibilityTest(GuildhallTestCase):
    def test_a_supervisor_sees_every_association_below_it(self):
        seen = set(visible_orgs(self.user("sup-viewer")).values_list("code", flat=True))
        self.assertEqual(seen, {"sup", "soft", "logi", "tour"})

    def test_another_supervisor_does_not_see_them(self):
        seen = set(visible_orgs(self.user("sup2-approver")).values_list("code", flat=True))
        self.assertEqual(seen, {"sup2", "chem"})

    def test_an_association_sees_only_itself(self):
        seen = set(visible_orgs(self.user("logi-admin")).values_list("code", flat=True))
        self.assertEqual(seen, {"logi"})

    def test_logi_admin_cannot_reach_soft(self):
        self.login("logi-admin")
        for url in (f"/o/{self.soft.pk}/", f"/o/{self.soft.pk}/members/", f"/o/{self.soft.pk}/audit/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 404)
            self.assertNotContains(response, self.soft.name, status_code=404)

    def test_sup_sees_soft_and_sup2_does_not(self):
        self.login("sup-viewer")
        self.assertContains(self.client.get(f"/o/{self.soft.pk}/"), self.soft.name)
        self.login("sup2-viewer")
        self.assertEqual(self.client.get(f"/o/{self.soft.pk}/").status_code, 404)

    def test_ones_own_organization_comes_from_ones_access_with_its_parent(self):
        from guildhall.orgs.permissions import Access
        from guildhall.orgs.scoping import get_org_for_user

        user = self.user("soft-admin")
        Access.for_user(user)
        with self.assertNumQueries(0):
            org = get_org_for_user(user, self.soft.pk)
            self.assertEqual((org, org.parent), (self.soft, self.sup))
        # Left, or the organization closed: the same 404 as for any other.
        fresh = type(user).objects.get  # a new request's user, with no access read yet
        Organization.objects.filter(pk=self.soft.pk).update(is_active=False)
        with self.assertRaises(Http404):
            get_org_for_user(fresh(pk=user.pk), self.soft.pk)
        Organization.objects.filter(pk=self.soft.pk).update(is_active=True)
        Membership.objects.filter(user=user, organization=self.soft).update(is_active=False)
        with self.assertRaises(Http404):
            get_org_for_user(fresh(pk=user.pk), self.soft.pk)


class OnboardingTest(GuildhallTestCase):
    def form_data(self, **overrides):
        data = {"code": "food", "name": "省食品行业协会", "short_name": "食品协会",
                "credit_code": credit_code("51320000MJ5432188"), "region": "扬州市",
                "contact_name": "办公室", "contact_phone": "0514-87000000",
                "contact_email": "office@food.example.cn", "admin_email": "Li.Admin@food.example.cn"}
        return data | overrides

    def test_supervisor_admin_adds_an_association(self):
        self.login("sup-admin")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/o/{self.sup.pk}/associations/new", self.form_data())
        self.assertRedirects(response, f"/o/{self.sup.pk}/associations/")
        org = Organization.objects.get(code="food")
        self.assertEqual(org.parent, self.sup)
        self.assertEqual(org.path, f"{self.sup.path}{org.pk}/")
        self.assertTrue(AuditRecord.objects.filter(action="org.create", organization_id=org.pk).exists())
        # Its first admin is invited in the same step.
        invitation = Invitation.objects.get(organization=org)
        self.assertEqual((invitation.email, invitation.role), ("li.admin@food.example.cn", "admin"))
        self.assertEqual(mail.outbox[-1].to, ["li.admin@food.example.cn"])
        self.assertIn(org.name, mail.outbox[-1].subject)
        page = self.client.get(f"/o/{self.sup.pk}/associations/?no_admin=1").content.decode()
        self.assertIn("省食品行业协会", page)
        self.assertIn("已邀请，尚未加入", page)

    def test_an_association_is_not_added_without_its_first_admin(self):
        self.login("sup-admin")
        response = self.client.post(f"/o/{self.sup.pk}/associations/new",
                                    self.form_data(admin_email=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "省食品行业协会")  # kept
        self.assertFalse(Organization.objects.filter(code="food").exists())

    def test_the_list_names_the_associations_without_an_active_admin(self):
        self.login("sup-admin")
        Membership.objects.filter(organization=self.tour, role="admin").update(is_active=False)
        page = self.client.get(f"/o/{self.sup.pk}/associations/").content.decode()
        self.assertIn('id="without-admin"', page)
        only = self.client.get(f"/o/{self.sup.pk}/associations/?no_admin=1").content.decode()
        self.assertIn(self.tour.name, only)
        self.assertNotIn(self.soft.name, only)

    def test_a_bad_code_keeps_the_input_and_names_the_character(self):
        self.login("sup-admin")
        data = self.form_data(credit_code="51320000MJ54321880")
        response = self.client.post(f"/o/{self.sup.pk}/associations/new", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "省食品行业协会")  # kept
        self.assertContains(response, "校验码")
        self.assertFalse(Organization.objects.filter(code="food").exists())

    def test_an_approver_cannot_onboard(self):
        self.login("sup-approver")
        response = self.client.post(f"/o/{self.sup.pk}/associations/new", self.form_data())
        self.assertEqual(response.status_code, 403)
        self.assertTrue(AuditRecord.objects.filter(action="permission.refused").exists())

    def test_wrong_method(self):
        self.login("sup-admin")
        self.assertEqual(self.client.put(f"/o/{self.sup.pk}/associations/new").status_code, 405)

    def test_bulk_import_creates_every_row(self):
        self.login("sup-admin")
        upload = xlsx([
            ["a1", "协会一", "一", credit_code("51320000MJ0000001"), "南京", "", "", "", "a1@example.cn"],
            ["a2", "协会二", "二", credit_code("51320000MJ0000002"), "苏州", "", "", "", "a2@example.cn"],
        ])
        response = self.client.post(f"/o/{self.sup.pk}/associations/import", {"file": upload})
        self.assertRedirects(response, f"/o/{self.sup.pk}/associations/")
        self.assertEqual(Organization.objects.filter(code__in=["a1", "a2"], parent=self.sup).count(), 2)
        self.assertEqual(sorted(Invitation.objects.filter(organization__code__in=["a1", "a2"], role="admin")
                                .values_list("email", flat=True)), ["a1@example.cn", "a2@example.cn"])

    def test_bulk_import_refuses_a_row_without_its_first_admin(self):
        self.login("sup-admin")
        upload = xlsx([
            ["a1", "协会一", "一", credit_code("51320000MJ0000001"), "南京", "", "", "", "a1@example.cn"],
            ["a2", "协会二", "二", credit_code("51320000MJ0000002"), "苏州", "", "", "", ""],
        ])
        response = self.client.post(f"/o/{self.sup.pk}/associations/import", {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([row for row, _ in response.context["report"].errors], [3])
        self.assertContains(response, "首位管理员邮箱")
        self.assertFalse(Organization.objects.filter(code__in=["a1", "a2"]).exists())
        self.assertFalse(Invitation.objects.filter(email="a1@example.cn").exists())

    def test_bulk_import_reports_each_bad_row_and_imports_nothing(self):
        self.login("sup-admin")
        upload = xlsx([
            ["a1", "协会一", "一", credit_code("51320000MJ0000001"), "南京", "", "", "", "a1@example.cn"],
            ["a2", "协会二", "二", "51320000MJ00000020", "苏州", "", "", "", "a2@example.cn"],
            ["a1", "协会三", "三", credit_code("51320000MJ0000003"), "无锡", "", "", "", "a3@example.cn"],
            ["a4", '=HYPERLINK("http://x","y")', "四", credit_code("51320000MJ0000004"), "", "", "", "", "a4@example.cn"],
            ["a5", "<script>alert(1)</script>", "五", "", "", "", "", "", "a5@example.cn"],
        ])
        count = Organization.objects.count()
        response = self.client.post(f"/o/{self.sup.pk}/associations/import", {"file": upload})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Organization.objects.count(), count)
        errors = response.context["report"].errors
        rows = {row for row, _ in errors}
        self.assertEqual(rows, {3, 4, 5, 6})
        self.assertContains(response, "公式")
        self.assertNotContains(response, "<script>alert(1)</script>")

    def test_every_form_of_formula_is_refused(self):
        # Security finding 8 (issue 15): the filter missed "-2+3+cmd|…".
        from guildhall.orgs.services import looks_like_formula

        for value in ("=1+1", "+1", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "\t=1", "\r=1"):
            self.assertTrue(looks_like_formula(value), value)
        for value in ("-12", "-3.5", "协会", "南京-苏州", "a-b"):
            self.assertFalse(looks_like_formula(value), value)

    def test_a_malformed_spreadsheet_is_refused_clearly(self):
        self.login("sup-admin")
        upload = SimpleUploadedFile("orgs.xlsx", b"PK\x03\x04 this is not a workbook")
        response = self.client.post(f"/o/{self.sup.pk}/associations/import", {"file": upload})
        self.assertContains(response, "不是有效的 .xlsx")

    def test_a_zip_bomb_is_refused(self):
        import zipfile

        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * (150 * 1024 * 1024))
        self.login("sup-admin")
        upload = SimpleUploadedFile("bomb.xlsx", buffer.getvalue())
        response = self.client.post(f"/o/{self.sup.pk}/associations/import", {"file": upload})
        self.assertContains(response, "不是有效的 .xlsx")


class OrganizationUpdateTest(GuildhallTestCase):
    def setUp(self):
        self.heard = []
        organization_renamed.connect(self.hear)
        self.addCleanup(organization_renamed.disconnect, self.hear)

    def hear(self, sender, organization, **kwargs):
        self.heard.append((organization.pk, organization.name))

    def test_a_new_name_is_audited_and_told_to_the_modules(self):
        services.organization_update(actor=self.user("sup-admin"), org=self.soft,
                                     data={"name": "省软件与信息服务业协会"})
        self.assertEqual(self.heard, [(self.soft.pk, "省软件与信息服务业协会")])
        entry = AuditRecord.objects.get(action="org.update", object_id=str(self.soft.pk))
        self.assertEqual(entry.after["name"], "省软件与信息服务业协会")
        self.assertNotEqual(entry.before["name"], entry.after["name"])

    def test_other_details_are_not_a_rename_and_nothing_changed_is_not_recorded(self):
        services.organization_update(actor=self.user("sup-admin"), org=self.soft,
                                     data={"region": "苏州工业园区"})
        self.assertEqual(self.heard, [])
        self.assertEqual(AuditRecord.objects.filter(action="org.update").count(), 1)
        services.organization_update(actor=self.user("sup-admin"), org=self.soft,
                                     data={"region": "苏州工业园区"})
        self.assertEqual(AuditRecord.objects.filter(action="org.update").count(), 1)

    def test_a_bad_value_changes_nothing(self):
        with self.assertRaises(ValidationError):
            services.organization_update(actor=self.user("sup-admin"), org=self.soft,
                                         data={"name": "", "credit_code": "123"})
        self.assertEqual(self.heard, [])
        self.assertNotEqual(Organization.objects.get(pk=self.soft.pk).name, "")


class DetailsPageTest(GuildhallTestCase):
    """An organization's details changed in the browser and through the API, by the same
    service: its own admin or a supervising body's admin; nobody else."""

    def setUp(self):
        from django.urls import reverse

        self.url = reverse("orgs:org_edit", args=[self.soft.pk])
        self.api_url = reverse("api:org_detail", args=[self.soft.pk])

    def form(self, **changes):
        data = {"name": self.soft.name, "short_name": self.soft.short_name,
                "credit_code": self.soft.credit_code, "region": self.soft.region,
                "contact_name": self.soft.contact_name, "contact_phone": self.soft.contact_phone,
                "contact_email": self.soft.contact_email}
        return {**data, **changes}

    def test_the_association_admin_changes_its_contacts_and_the_trail_keeps_them_masked(self):
        self.login("soft-admin")
        page = self.client.get(self.url)
        self.assertContains(page, "单位信息")
        self.assertContains(page, self.soft.credit_code)
        answer = self.client.post(self.url, self.form(contact_name="周敏",
                                                      contact_phone="13912345678"), follow=True)
        self.assertContains(answer, "已保存")
        soft = Organization.objects.get(pk=self.soft.pk)
        self.assertEqual((soft.contact_name, soft.contact_phone), ("周敏", "13912345678"))
        entry = AuditRecord.objects.get(action="org.update", object_id=str(self.soft.pk))
        self.assertNotIn("13912345678", str(entry.after))
        self.assertEqual(entry.actor_name, "soft-admin")

    def test_a_wrong_credit_code_is_refused_in_chinese_and_nothing_is_saved(self):
        self.login("sup-admin")
        code = self.soft.credit_code
        wrong = code[:17] + ("1" if code[17] != "1" else "2")
        answer = self.client.post(self.url, self.form(name="新名称", credit_code=wrong))
        self.assertEqual(answer.status_code, 400)
        self.assertContains(answer, "校验码（第 18 位）", status_code=400)
        self.assertContains(answer, "新名称", status_code=400)  # what was typed stays
        self.assertEqual(Organization.objects.get(pk=self.soft.pk).name, self.soft.name)
        taken = self.client.post(self.url, self.form(credit_code=self.logi.credit_code))
        self.assertEqual(taken.status_code, 400)
        self.assertFalse(AuditRecord.objects.filter(action="org.update").exists())

    def test_staff_and_another_supervisor_may_not(self):
        self.login("soft-staff")
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.login("sup2-admin")
        self.assertEqual(self.client.post(self.url, self.form(name="别人的")).status_code, 404)
        self.assertEqual(Organization.objects.get(pk=self.soft.pk).name, self.soft.name)

    def test_the_api_changes_the_same_details_and_refuses_a_bad_value_in_the_callers_language(self):
        client = self.api_client("sup-admin", language="zh-hans")
        answer = client.patch(self.api_url, {"region": "苏州工业园区"}, content_type="application/json")
        self.assertEqual(answer.status_code, 200, answer.content)
        self.assertEqual(answer.json()["region"], "苏州工业园区")
        self.assertEqual(Organization.objects.get(pk=self.soft.pk).region, "苏州工业园区")
        bad = client.patch(self.api_url, {"credit_code": "123"}, content_type="application/json")
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(bad.json()["errors"][0]["field"], "credit_code")
        self.assertRegex(bad.json()["errors"][0]["message"], r"[\u4e00-\u9fff]")
        staff = self.api_client("soft-staff").patch(self.api_url, {"region": "x"},
                                                    content_type="application/json")
        self.assertEqual(staff.status_code, 403)
        self.assertEqual(Organization.objects.get(pk=self.soft.pk).region, "苏州工业园区")

    def test_the_links_show_to_those_who_may_edit(self):
        from django.urls import reverse

        self.login("soft-admin")
        self.assertContains(self.client.get(reverse("orgs:members", args=[self.soft.pk])),
                            f'href="{self.url}"')
        self.login("sup-admin")
        self.assertContains(self.client.get(reverse("dashboard:association", args=[self.soft.pk])),
                            f'href="{self.url}"')
        self.login("sup-viewer")
        self.assertNotContains(self.client.get(reverse("dashboard:association", args=[self.soft.pk])),
                               f'href="{self.url}"')
