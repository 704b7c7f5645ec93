"""The keyword search's grams and its counting (kit.search)."""

from __future__ import annotations

from django.test import SimpleTestCase

from guildhall.kit import search


class GramsTest(SimpleTestCase):
    def test_a_text_is_indexed_by_its_pairs_and_triples_within_each_word(self):
        self.assertEqual(search.grams("软件产业 ab"), {"软件", "件产", "产业", "软件产", "件产业", "ab"})
        self.assertEqual(search.grams("讲"), set())

    def test_a_word_is_found_by_its_triples_or_by_the_pair_it_is(self):
        self.assertEqual(search.word_grams("软件产业"), ["件产业", "软件产"])
        self.assertEqual(search.word_grams("专家"), ["专家"])
        self.assertEqual(search.word_grams("讲"), [])

    def test_every_gram_of_a_word_is_in_the_grams_of_a_text_holding_it(self):
        text = "规模测试协会12 协会12第3次活动"
        for word in ("协会12", "第3次", "12第3", "规模测试协会12"):
            self.assertLessEqual(set(search.word_grams(word)), search.grams(text), word)
