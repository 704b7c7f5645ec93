"""Keyword search over a module's records (issue 9).

Each searchable record keeps one lower-cased text column, `search_text` (its title, body,
speakers…), written by the module's services whenever its content changes. A query is
split into at most MAX_TERMS words; a record matches when every word is in its text (or,
with `matching`, in its organization's name). Lists of one organization read its few rows;
lists across a province (`matching_indexed`) go through an index of the texts' grams of two
and three characters, so that a rare word reads only the records holding it, and count at
most CAP matches, so that a word in every record reads only the first page (see
bench/pages_bench.py for the figures).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, overload

from django.db import connection
from django.db.models import Exists, IntegerField, Lookup, OuterRef, Q, QuerySet, TextField

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


@IntegerField.register_lookup
class Among(Lookup):
    """`pk__among=[ids]`: the column is one of the values, given to PostgreSQL as one array
    (a list of thousands of values costs its planner more than the query), to SQLite as a
    list."""

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        values = [int(v) for v in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, values]
        if not values:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]


def bigrams(text: str) -> set[str]:
    """Return the pairs of adjacent characters of each word of a search text (the index as
    events' migration 0005 wrote it)."""
    return {word[i:i + 2] for word in text.split() for i in range(len(word) - 1)}


def grams(text: str) -> set[str]:
    """Return the pairs and the triples of adjacent characters of each word of a search
    text: what a module's index of grams holds for a record."""
    return {word[i:i + n] for word in text.split() for n in (2, 3)
            for i in range(len(word) - n + 1)}


def word_grams(word: str) -> list[str]:
    """Return the grams that find a word: its triples (far rarer than its pairs in Chinese
    text, where a few hundred pairs make most words), or the pair a word of two is."""
    n = 3 if len(word) >= 3 else 2
    return sorted({word[i:i + n] for i in range(len(word) - n + 1)})


#: The most matches a search counts: past it the page says "more than CAP" (its pages are
#: still the first matches in the list's order), so a word in every record costs a page.
CAP = 1000
#: A gram in fewer records than this narrows the search to its records (one index range);
#: counting a gram's records stops here.
RARE = 5000
#: Candidates up to this many are read as they are; more, with the list's other filters.
FEW = 500


def matching_indexed(qs: QuerySet, query: str | None, grams: Any, subject: str) -> QuerySet:
    """Narrow `qs` to the query's records through an index of grams (`grams`, a model with
    `gram` and the foreign key `subject`), the organization's names being in the text (the
    module writes them there).

    One query counts the records of each gram of the query, up to RARE. A gram in none:
    nothing matches. Each word's rarest gram, when rarer than RARE, narrows the records:
    the rarest of all gives the candidates (an index range) and the others are looked up
    in the index for each of them (the posting lists intersected in the database), before
    any record is read; the candidates' texts are then searched for every word. A word
    whose grams are all common narrows nothing: the list's order is read from its index
    and stops after CAP + 1 matches (`Matches`). A word of one character has no gram and
    is looked for in the texts. What stays slow: several words each in more than RARE
    records and together in few (every text of the list is read then)."""
    words = terms(query)
    by_word = [word_grams(w) for w in words]
    counts = _gram_counts(grams, sorted({g for wanted in by_word for g in wanted}))
    rare: list[tuple[int, str]] = []
    for wanted in by_word:
        if not wanted:
            continue
        rarest = min(wanted, key=lambda g: counts.get(g, 0))
        if counts.get(rarest, 0) == 0:
            return qs.none()
        if counts[rarest] < RARE:
            rare.append((counts[rarest], rarest))
    if rare:
        (fewest, first), *others = sorted(set(rare))
        candidates = grams.objects.filter(gram=first)
        for _, gram in others:
            candidates = candidates.filter(Exists(grams.objects.filter(
                gram=gram, **{subject: OuterRef(subject)})))
        if fewest <= FEW:
            ids = list(candidates.values_list(subject, flat=True))
        else:  # many: those the list's other filters keep, read from indexes
            ids = list(qs.filter(pk__in=candidates.values(subject)).order_by()
                       .values_list("pk", flat=True))
        # Given as values: a planner that cannot tell how few records hold a word (the
        # guess of PostgreSQL for LIKE) would read every text before the index.
        qs = qs.filter(pk__among=ids)
    for word in words:
        qs = qs.filter(search_text__has=word)
    return qs


class Matches(Sequence):
    """The records of a search for a paginator: the ids of the first CAP + 1, read in the
    list's order in one query (a word in every record stops there, in the order's index;
    a rare word's candidates are read and sorted), and each page's records by their ids."""

    def __init__(self, qs: QuerySet) -> None:
        self.qs = qs
        self.ids = list(qs.values_list("pk", flat=True)[:CAP + 1])
        #: How many matched, up to CAP; `more` when there are more.
        self.count_found = min(len(self.ids), CAP)
        self.more = len(self.ids) > CAP

    def __len__(self) -> int:
        return self.count_found

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            return self[index:index + 1][0]
        ids = self.ids[:CAP][index]
        rows = {row.pk: row for row in self.by_ids(ids)} if ids else {}
        return [rows[pk] for pk in ids if pk in rows]

    def by_ids(self, ids: list[Any]) -> QuerySet:
        """The records `ids` (found by the search just now), as the list's queryset reads
        them (its related rows and deferred fields), without its filters again: the
        search's conditions over the candidates cost more than reading the page's rows."""
        query = self.qs.query
        if query.annotation_select:  # what the list computes: read through the list itself
            return self.qs.filter(pk__in=ids)
        rows = self.qs.model._base_manager.using(self.qs.db).filter(pk__in=ids).order_by()
        rows.query.select_related = copy.deepcopy(query.select_related)
        rows.query.deferred_loading = query.deferred_loading
        return rows


def _gram_counts(grams: Any, wanted: list[str]) -> dict[str, int]:
    """Count the records of each gram, up to RARE, in one query."""
    if not wanted:
        return {}
    table = connection.ops.quote_name(grams._meta.db_table)
    one = (f"SELECT %s, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE gram = %s "
           f"LIMIT {RARE}) AS capped)")
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
