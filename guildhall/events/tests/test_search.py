"""Keyword search on the filings list and the queue (issue 9)."""

from __future__ import annotations

from django.urls import reverse

from guildhall.events import services
from guildhall.events.models import Filing
from guildhall.events.tests.factories import filing_data, make_filing
from guildhall.testing import GuildhallTestCase


class FilingSearchTest(GuildhallTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.seminar = make_filing(cls.cast, cls.soft, "submitted", title="软件产业研讨会")
        cls.lecture = make_filing(
            cls.cast, cls.soft, "submitted", title="年度讲座", description="介绍数据安全法规",
            speakers=[{"name": "赵教授", "affiliation": "东南大学", "topic": "Open Source"}])
        cls.logistics = make_filing(cls.cast, cls.logi, "submitted", title="物流行业研讨会")
        cls.elsewhere = make_filing(cls.cast, cls.chem, "submitted", title="化工研讨会")

    def titles(self, username, url, **params):
        self.login(username)
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        return {f.title for f in response.context["page"]}

    def test_the_association_finds_its_filings_by_title_description_and_speaker(self):
        url = reverse("events:filing_list", args=[self.soft.pk])
        self.assertEqual(self.titles("soft-editor", url, q="研讨会"), {"软件产业研讨会"})
        self.assertEqual(self.titles("soft-editor", url, q="数据安全"), {"年度讲座"})
        self.assertEqual(self.titles("soft-editor", url, q="赵教授"), {"年度讲座"})
        self.assertEqual(self.titles("soft-editor", url, q="open source"), {"年度讲座"})
        self.assertEqual(self.titles("soft-editor", url, q="讲座 东南大学"), {"年度讲座"})
        self.assertEqual(self.titles("soft-editor", url, q="讲座 南京大学"), set())
        self.assertEqual(self.titles("soft-editor", url, q="物流"), set())  # another association's

    def test_the_bigram_index_finds_words_of_any_length_and_only_whole_ones(self):
        url = reverse("events:filing_queue", args=[self.sup.pk])
        self.assertEqual(self.titles("sup-approver", url, q="产业研讨"), {"软件产业研讨会"})
        self.assertEqual(self.titles("sup-approver", url, q="软件研讨"), set())  # not adjacent
        self.assertEqual(self.titles("sup-approver", url, q="讲"), {"年度讲座"})  # one character
        self.assertEqual(self.titles("sup-approver", url, q="座年"), set())
        self.assertEqual(self.titles("sup-approver", url, q="化工"), set())  # under sup2
        self.assertEqual(self.titles("sup2-approver", reverse(
            "events:filing_queue", args=[self.sup2.pk]), q="化工"), {"化工研讨会"})

    def test_the_queue_searches_every_association_below_and_keeps_its_filters(self):
        url = reverse("events:filing_queue", args=[self.sup.pk])
        self.assertEqual(self.titles("sup-approver", url, q="研讨会"),
                         {"软件产业研讨会", "物流行业研讨会"})  # not the one under sup2
        self.assertEqual(self.titles("sup-approver", url, q=self.logi.short_name or self.logi.name),
                         {"物流行业研讨会"})  # the association's name
        self.assertEqual(self.titles("sup-approver", url, q="研讨会", status="approved"), set())
        self.assertEqual(self.titles("sup-approver", url, q="研讨会", type="lecture"), set())
        response = self.client.get(url, {"q": "研讨会"})
        self.assertContains(response, 'value="研讨会"')

    def test_an_edit_changes_what_is_found(self):
        draft = make_filing(self.cast, self.soft, "draft", title="草稿活动")
        url = reverse("events:filing_list", args=[self.soft.pk])
        self.assertEqual(self.titles("soft-editor", url, q="新标题"), set())
        services.filing_update(actor=self.user("soft-editor"), filing=draft,
                               data={"title": "新标题活动"}, revision=draft.revision)
        self.assertEqual(self.titles("soft-editor", url, q="新标题"), {"新标题活动"})
        self.assertIn("新标题", Filing.objects.get(pk=draft.pk).search_text)

    def test_the_api_list_takes_the_words_too(self):
        client = self.api_client("soft-editor")
        response = client.get("/api/v1/events/", {"q": "赵教授"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual([f["title"] for f in response.json()["items"]], ["年度讲座"])

    def test_the_search_costs_the_same_queries_whatever_the_number_of_filings(self):
        url = reverse("events:filing_queue", args=[self.sup.pk])
        self.login("sup-approver")
        self.client.get(url, {"q": "研讨会"})

        def count():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(url, {"q": "研讨会 软件"}).status_code, 200)
            return len(ctx.captured_queries)

        small = count()
        for i in range(5):
            services.filing_create(actor=self.user("soft-editor"), org=self.soft,
                                   data=filing_data(title=f"软件研讨会{i}"))
        Filing.objects.filter(organization=self.soft, status="draft").update(status="submitted")
        self.assertEqual(count(), small)
        self.assertLessEqual(small, 12)
