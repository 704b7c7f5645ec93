"""Keyword search over a module's records (issue 9).

Each searchable record keeps one lower-cased text column, `search_text` (its title, body,
speakers…), written by the module's services whenever its content changes. A query is
split into at most MAX_TERMS words; a record matches when every word is in its text or in
its organization's name. The same LIKE runs on SQLite and PostgreSQL: the lists are
narrowed to one organization, or to one state of the queue, by their indexes first, so the
LIKE reads a few thousand short rows at most (see bench/pages_bench.py for the figures).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Lookup, Q, QuerySet, TextField

from guildhall.orgs.models import Organization

MAX_TERMS = 5
#: The longest query kept (a longer one is cut), and the longest text kept per record.
MAX_QUERY = 100
MAX_TEXT = 20000


def terms(query: str | None) -> list[str]:
    """Return the query's distinct words, lower-cased, at most MAX_TERMS."""
    words: list[str] = []
    for word in (query or "")[:MAX_QUERY].lower().split():
        if word not in words:
            words.append(word)
    return words[:MAX_TERMS]


def text_of(*parts: Any) -> str:
    """Return the search text of a record from its parts (strings, or lists of them)."""
    flat: list[str] = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            flat.extend(str(p) for p in part if p)
        elif part:
            flat.append(str(part))
    return " ".join(" ".join(flat).lower().split())[:MAX_TEXT]


@TextField.register_lookup
class HasText(Lookup):
    """`search_text__has=word`: the text holds `word` as it is (both are lower-cased).

    SQL's LIKE '%word%' everywhere (a trigram index on PostgreSQL can serve it), but
    instr() on SQLite, whose LIKE compares character by character with case folding: five
    times slower on Chinese text (bench/pages_bench.py)."""

    lookup_name = "has"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = [*lhs_params, *rhs_params]
        if connection.vendor == "sqlite":
            return f"instr({lhs}, {rhs}) > 0", params
        return f"{lhs} LIKE {rhs}", params

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor != "sqlite":
            value = "%" + connection.ops.prep_for_like_query(value) + "%"
        return "%s", [value]


def bigrams(text: str) -> set[str]:
    """Return the pairs of adjacent characters of each word of a search text."""
    return {word[i:i + 2] for word in text.split() for i in range(len(word) - 1)}


#: A pair of characters in more records than this is "common": only its count matters.
GRAM_CAP = 500


def matching_indexed(qs: QuerySet, query: str | None, grams: Any, subject: str) -> QuerySet:
    """Narrow `qs` to the query's records through an index of bigrams (`grams`, a model
    with `gram` and the foreign key `subject`), the organization's names being in the text
    (the module writes them there).

    One query counts the records of each bigram of the query, up to GRAM_CAP. A bigram in
    none: nothing matches. The rarest one, when rarer than GRAM_CAP, gives the candidates
    (an index range), whose text is then searched for every word. When every bigram is
    common, the index would only add work: the words are looked for in the texts that the
    other filters leave (a state of the queue, an organization). A word of one character
    has no bigram and is looked for in the texts."""
    words = terms(query)
    wanted = sorted({g for w in words for g in bigrams(w)})
    counts = _gram_counts(grams, wanted)
    if wanted:
        rarest = min(wanted, key=lambda g: counts.get(g, 0))
        if counts.get(rarest, 0) == 0:
            return qs.none()
        if counts[rarest] < GRAM_CAP:
            qs = qs.filter(pk__in=grams.objects.filter(gram=rarest).values(subject))
    for word in words:
        qs = qs.filter(search_text__has=word)
    return qs


def _gram_counts(grams: Any, wanted: list[str]) -> dict[str, int]:
    """Count the records of each bigram, up to GRAM_CAP, in one query."""
    if not wanted:
        return {}
    table = connection.ops.quote_name(grams._meta.db_table)
    one = (f"SELECT %s, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE gram = %s "
           f"LIMIT {GRAM_CAP}) AS capped)")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([one] * len(wanted)),
                       [v for g in wanted for v in (g, g)])
        return {g: n for g, n in cursor.fetchall()}


def matching(qs: QuerySet, query: str | None) -> QuerySet:
    """Narrow `qs` (a model with `search_text` and `organization`) to the query's records."""
    for word in terms(query):
        named = Organization.objects.filter(Q(name__icontains=word) | Q(short_name__icontains=word))
        qs = qs.filter(Q(search_text__has=word) | Q(organization__in=named.values("pk")))
    return qs
