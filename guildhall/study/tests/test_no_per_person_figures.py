"""No page or API operation of this module returns a per-person figure.

Over every URL pattern of the study app and every API operation tagged "study", with the
demo data loaded (sessions with attendees, codes partly acknowledged), as the person who
sees the most of `soft` (its principal, who also sees who has not yet acknowledged) and as
the supervising body: no page puts a person's name next to a count of sessions, hours or
acknowledgements, no JSON object about a person carries a number besides its id, and no
schema of the API describes a person with a figure, a rank or a score. The checkers are
tested on a page and an answer that do carry such figures, so the test can fail.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.urls import URLPattern, reverse
from django.utils.html import strip_tags

from guildhall.records.models import Attachment
from guildhall.study import urls as study_urls
from guildhall.study.models import Code, CodeVersion, PlanTopic, SessionStatus, StudySession
from guildhall.testing import GuildhallTestCase

#: A figure next to a name: digits (maybe a decimal or a percentage) followed by a unit of
#: sessions, hours, times or acknowledgements, or a count word.
FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|次|场|小时|个|项|sessions?|hours?|times|名|位)")
NEAR = 24
#: Field names that would describe a person with a figure or an order.
PER_PERSON_FIELDS = re.compile(r"count|total|sum|hours|sessions|rank|score|points|rate|times|"
                               r"acknowledg(?:ed|ements)_?(?:count|n)?$", re.IGNORECASE)
PERSON_FIELDS = {"name", "username", "full_name", "display_name", "user", "person"}


def figures_near_names(text: str, names: list[str]) -> list[str]:
    """Return each place where a person's name stands within NEAR characters of a figure."""
    flat = " ".join(strip_tags(text).split())
    found = []
    for name in names:
        for match in re.finditer(re.escape(name), flat):
            around = flat[max(0, match.start() - NEAR):match.end() + NEAR]
            if FIGURE.search(around.replace(name, " ")):
                found.append(around)
    return found


def people_with_figures(data: Any, names: set[str], ids: set[int]) -> list[Any]:
    """Return every JSON object that names a person and carries another number."""
    found = []
    if isinstance(data, dict):
        is_person = any(data.get(k) in names for k in PERSON_FIELDS) or (
            set(data) & PERSON_FIELDS and data.get("id") in ids)
        if is_person and any(isinstance(v, (int, float)) and not isinstance(v, bool)
                             for k, v in data.items() if k != "id"):
            found.append(data)
        for value in data.values():
            found += people_with_figures(value, names, ids)
    elif isinstance(data, list):
        for value in data:
            found += people_with_figures(value, names, ids)
    return found


def person_schemas_with_figures(spec: dict[str, Any], operations: list[dict[str, Any]]) -> list[str]:
    """Return the schemas (reached from `operations`) that describe a person with a figure:
    an object with a name-like field and a numeric or per-person-aggregate field besides
    its id; and any query parameter that would order the answer."""
    components = spec.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    bad: list[str] = []

    def visit(schema: Any, where: str) -> None:
        if isinstance(schema, dict):
            ref = schema.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    visit(components.get(name, {}), name)
                return
            props = schema.get("properties") or {}
            if set(props) & PERSON_FIELDS:
                for field, sub in props.items():
                    kinds = {sub.get("type")} | {a.get("type") for a in sub.get("anyOf", [])}
                    numeric = bool(kinds & {"integer", "number"})
                    if field != "id" and (numeric or PER_PERSON_FIELDS.search(field)):
                        bad.append(f"{where}.{field}")
            for value in schema.values():
                visit(value, where)
        elif isinstance(schema, list):
            for value in schema:
                visit(value, where)

    for op in operations:
        for param in op.get("parameters", []):
            if re.search(r"order|sort|rank", param.get("name", ""), re.IGNORECASE):
                bad.append(f"{op.get('operationId')}?{param['name']}")
        visit(op.get("responses", {}), op.get("operationId", ""))
    return bad


class CheckersCanFailTest(GuildhallTestCase):
    def test_a_name_next_to_a_count_is_found(self):
        self.assertTrue(figures_near_names("<li>王建国 <b>12</b> 次</li>", ["王建国"]))
        self.assertTrue(figures_near_names("<td>李敏</td><td>3.5 小时</td>", ["李敏"]))
        self.assertTrue(figures_near_names("<li>刘洋：已确认 80%</li>", ["刘洋"]))
        self.assertFalse(figures_near_names("<li>王建国</li><li>李敏</li>", ["王建国", "李敏"]))

    def test_a_person_with_a_number_is_found_in_json(self):
        self.assertTrue(people_with_figures({"results": [{"id": 4, "name": "王建国", "sessions": 3}]},
                                            {"王建国"}, {4}))
        self.assertFalse(people_with_figures([{"id": 4, "name": "王建国"}], {"王建国"}, {4}))

    def test_a_person_schema_with_a_figure_is_found(self):
        spec = {"components": {"schemas": {"P": {"properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "hours": {"type": "string"}}}}}}
        op = {"operationId": "x", "responses": {"200": {"$ref": "#/components/schemas/P"}},
              "parameters": [{"name": "order_by"}]}
        self.assertEqual(person_schemas_with_figures(spec, [op]), ["x?order_by", "P.hours"])


class NoPerPersonFigureTest(GuildhallTestCase):
    demo_modules = ("study",)

    def setUp(self):
        self.names = [u.display_name for u in self.cast.users.values()]
        self.ids = {u.pk for u in self.cast.users.values()}
        session = StudySession.objects.filter(organization=self.soft,
                                              status=SessionStatus.DRAFT).first()
        from django.core.files.uploadedfile import SimpleUploadedFile

        from guildhall.study.services import attachment_add

        attachment_add(actor=self.user("soft-editor"), session=session, upload=SimpleUploadedFile(
            "签到表.txt", "签到".encode(), content_type="text/plain"))
        code = Code.objects.filter(organization=self.soft).first()
        self.kwargs = {
            "session_id": session.pk, "code_id": code.pk,
            "version_id": CodeVersion.objects.filter(code=code).order_by("-number").first().pk,
            "attachment_id": Attachment.objects.filter(study_studysession=session).first().pk,
            "topic_id": PlanTopic.objects.filter(organization=self.soft).first().pk,
        }
        from guildhall.study.models import Material
        from guildhall.study.services import material_attach

        material = Material.objects.filter(organization=self.soft).first()
        self.kwargs["material_id"] = material.pk
        from guildhall.study.models import Activity

        activity = Activity.objects.filter(organization=self.soft).first()
        self.kwargs["activity_id"] = activity.pk
        self.confirmed = StudySession.objects.filter(organization=self.soft,
                                                     status=SessionStatus.CONFIRMED).first().pk
        self.activity_attachment = activity.attachments.first().pk
        self.material_attachment = material_attach(
            actor=self.user("soft-editor"), material=material, upload=SimpleUploadedFile(
                "读本.txt", "读本".encode(), content_type="text/plain")).pk

    def check_text(self, where: str, text: str) -> None:
        self.assertEqual(figures_near_names(text, self.names), [], where)
        try:
            data = json.loads(text)
        except ValueError:
            return
        self.assertEqual(people_with_figures(data, set(self.names), self.ids), [], where)

    def test_no_page_of_the_module_shows_a_figure_next_to_a_person(self):
        visited = set()
        for pattern in study_urls.urlpatterns:
            assert isinstance(pattern, URLPattern)
            params = list(pattern.pattern.converters)
            supervisor = pattern.name == "overview"
            org = self.sup if supervisor else self.soft
            kwargs = {p: (org.pk if p == "org_id" else self.kwargs[p]) for p in params}
            if "attachment_id" in kwargs and pattern.name.startswith("material_"):
                kwargs["attachment_id"] = self.material_attachment
            if "attachment_id" in kwargs and pattern.name.startswith("activity_"):
                kwargs["attachment_id"] = self.activity_attachment
            if pattern.name == "session_correct":  # offered on a confirmed session only
                kwargs["session_id"] = self.confirmed
            url = reverse(f"study:{pattern.name}", kwargs=kwargs)
            for username in (["sup-admin"] if supervisor else ["soft-principal", "soft-staff",
                                                               "sup-viewer"]):
                self.login(username)
                response = self.client.get(url)
                self.assertIn(response.status_code, (200, 405, 403), (url, username))
                if response.status_code == 200 and not response.streaming:
                    self.check_text(f"{url} as {username}", response.content.decode())
            visited.add(pattern.name)
        self.assertEqual(visited, {p.name for p in study_urls.urlpatterns})

    def test_no_api_operation_answers_or_describes_a_person_with_a_figure(self):
        spec = self.client.get("/api/v1/openapi.json").json()
        operations = []
        for path, methods in spec["paths"].items():
            for method, op in methods.items():
                if "study" not in op.get("tags", []):
                    continue
                operations.append(op)
                if method != "get":
                    continue
                params = re.findall(r"{(\w+)}", path)
                org = self.sup if any(w in path for w in ("below",)) else self.soft
                url = path.replace("{org_id}/{material_id}", f"{self.soft.pk}/{self.kwargs['material_id']}")
                for p in params:
                    url = url.replace("{" + p + "}", str(org.pk if p == "org_id" else self.kwargs[p]))
                for username in ("soft-principal", "sup-admin"):
                    response = self.api_client(username).get(url)
                    self.assertIn(response.status_code, (200, 403, 404), (url, username))
                    if response.status_code == 200:
                        self.check_text(f"{url} as {username}",
                                        json.dumps(response.json(), ensure_ascii=False))
        self.assertGreaterEqual(len(operations), 15)
        self.assertEqual(person_schemas_with_figures(spec, operations), [])

    def test_the_principal_does_see_names_so_the_check_is_not_vacuous(self):
        """The pages checked above do show people (attendees, who has not acknowledged):
        the check looks at names that are really there."""
        self.login("soft-principal")
        text = self.client.get(reverse("study:version_detail", args=[
            self.soft.pk, self.kwargs["version_id"]])).content.decode()
        self.assertIn(self.user("soft-staff").display_name, text)
        text = self.client.get(reverse("study:session_detail", args=[
            self.soft.pk, self.kwargs["session_id"]])).content.decode()
        self.assertIn(self.user("soft-editor").display_name, text)
