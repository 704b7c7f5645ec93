"""Keyword search on the publications list (issue 9)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guildhall.publications import services
from guildhall.publications.models import Publication
from guildhall.publications.tests.factories import make_channel
from guildhall.testing import GuildhallTestCase


class PublicationSearchTest(GuildhallTestCase):
    def write(self, org, title, body):
        channel = make_channel(self.cast, org)
        return services.publication_create(
            actor=self.user(f"{org.code}-editor"), org=org,
            data={"title": title, "body": body, "channels": [channel],
                  "planned_at": timezone.now() + dt.timedelta(days=3)})

    def titles(self, **params):
        self.login("soft-editor")
        response = self.client.get(reverse("publications:publication_list", args=[self.soft.pk]),
                                   params)
        self.assertEqual(response.status_code, 200)
        return {p.title for p in response.context["page"]}

    def test_the_list_finds_words_of_the_title_and_the_body_of_the_latest_revision(self):
        first = self.write(self.soft, "年度会员大会召开", "<p>协会召开<b>年度会员</b>大会，选举理事会。</p>")
        self.write(self.soft, "培训通知", "<p>软件测试培训。</p>")
        self.write(self.logi, "物流年度会员大会", "<p>选举理事会。</p>")
        self.assertEqual(self.titles(q="选举理事会"), {"年度会员大会召开"})
        self.assertEqual(self.titles(q="年度会员大会"), {"年度会员大会召开"})  # across the tags
        self.assertEqual(self.titles(q="培训 软件"), {"培训通知"})
        self.assertEqual(self.titles(q="<b>"), set())  # the markup is not searched
        self.assertEqual(self.titles(q="选举", status="approved"), set())
        services.publication_revise(actor=self.user("soft-editor"), publication=first,
                                    data={"body": "<p>改期举行。</p>"}, revision=first.revision)
        self.assertEqual(self.titles(q="选举理事会"), set())
        self.assertEqual(self.titles(q="改期"), {"年度会员大会召开"})
        self.assertEqual(Publication.objects.get(pk=first.pk).search_text,
                         "年度会员大会召开 改期举行。")

    def test_the_api_list_takes_the_words_too(self):
        self.write(self.soft, "培训通知", "<p>软件测试培训。</p>")
        self.write(self.soft, "其他", "<p>无</p>")
        response = self.api_client("soft-editor").get("/api/v1/publications/", {"q": "测试培训"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual([p["title"] for p in response.json()["items"]], ["培训通知"])
