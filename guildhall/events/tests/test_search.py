"""Keyword search on the filings list and the queue (issue 9)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.urls import reverse

from guildhall.audit.models import AuditRecord
from guildhall.events import services
from guildhall.events.models import Filing, FilingGram
from guildhall.events.tests.factories import filing_data, make_filing
from guildhall.kit import search
from guildhall.orgs.services import organization_update
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

    def test_rare_grams_narrow_the_search_and_common_ones_find_the_same(self):
        make_filing(self.cast, self.soft, "approved", title="软件测试培训")
        url = reverse("events:filing_queue", args=[self.sup.pk])
        queries = ["研讨会", "软件", "软件产业", "产业研讨会 软件", "赵教授 数据", "讲", "软件研讨",
                   self.logi.name, "研讨 物流行业"]
        narrowed = {q: self.titles("sup-approver", url, q=q, status="") for q in queries}
        self.assertEqual(narrowed["软件产业"], {"软件产业研讨会"})
        self.assertEqual(narrowed["研讨 物流行业"], {"物流行业研讨会"})
        with mock.patch.object(search, "RARE", 1):  # every gram is common: the texts are read
            for q in queries:
                self.assertEqual(self.titles("sup-approver", url, q=q, status=""), narrowed[q], q)
        with mock.patch.object(search, "FEW", 0):  # many candidates: kept by the list's filters
            for q in queries:
                self.assertEqual(self.titles("sup-approver", url, q=q, status=""), narrowed[q], q)

    def test_a_word_of_three_or_more_is_found_by_its_adjacent_triples(self):
        url = reverse("events:filing_queue", args=[self.sup.pk])
        self.assertEqual(self.titles("sup-approver", url, q="软件产"), {"软件产业研讨会"})
        self.assertEqual(self.titles("sup-approver", url, q="软件研"), set())  # pairs there, not the triple
        self.assertTrue(FilingGram.objects.filter(filing=self.seminar, gram="件产业").exists())

    def test_the_page_says_how_many_match(self):
        url = reverse("events:filing_queue", args=[self.sup.pk])
        self.login("sup-approver")
        response = self.client.get(url, {"q": "研讨会"})
        self.assertEqual(response.context["matched"], 2)
        self.assertContains(response, 'id="search-count"')
        self.assertContains(response, "共 2 条结果")
        self.assertNotContains(self.client.get(url), 'id="search-count"')  # no words, no count

    def test_past_the_cap_it_says_more_and_shows_the_first_matches_in_the_queue_order(self):
        for days in (1, 2, 3):
            make_filing(self.cast, self.soft, "submitted", title=f"研讨会{days}",
                        starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30 + days),
                        ends_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30 + days, hours=2))
        url = reverse("events:filing_queue", args=[self.sup.pk])
        self.login("sup-approver")
        everything = [f.title for f in self.client.get(url, {"q": "研讨会"}).context["page"]]
        self.assertEqual(len(everything), 5)
        with mock.patch.object(search, "CAP", 2):
            response = self.client.get(url, {"q": "研讨会"})
        self.assertTrue(response.context["more"])
        self.assertEqual([f.title for f in response.context["page"]], everything[:2])
        self.assertContains(response, "超过 2 条结果")

    def test_the_queue_in_every_state_puts_the_submitted_first_by_decision_date(self):
        approved = make_filing(self.cast, self.soft, "approved", title="已批准的活动")
        Filing.objects.filter(pk=self.lecture.pk).update(decision_due=dt.date(2020, 1, 1))
        Filing.objects.filter(pk=self.seminar.pk).update(decision_due=dt.date(2099, 1, 1))
        self.login("sup-approver")
        response = self.client.get(reverse("events:filing_queue", args=[self.sup.pk]), {"status": ""})
        titles = [f.title for f in response.context["page"]]
        self.assertEqual(titles[0], "年度讲座")  # overdue
        self.assertLess(titles.index("软件产业研讨会"), titles.index(approved.title))
        self.assertEqual(titles[-1], approved.title)

    def test_renaming_the_association_finds_its_filings_by_the_new_name(self):
        url = reverse("events:filing_queue", args=[self.sup.pk])
        self.assertEqual(self.titles("sup-approver", url, q="云端智造"), set())
        organization_update(actor=self.user("sup-admin"), org=self.logi,
                            data={"name": "云端智造物联协会", "short_name": "智造物联"})
        self.assertEqual(self.titles("sup-approver", url, q="云端智造"), {"物流行业研讨会"})
        self.assertEqual(self.titles("sup-approver", url, q="智造物联 研讨会"), {"物流行业研讨会"})
        # The organizer stays as the filing states it; the association's names are new.
        self.assertIn("云端智造物联协会 智造物联", Filing.objects.get(pk=self.logistics.pk).search_text)
        self.assertTrue(AuditRecord.objects.filter(action="org.update", object_id=str(self.logi.pk))
                        .exists())
