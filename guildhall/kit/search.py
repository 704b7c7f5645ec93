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


def matching(qs: QuerySet, query: str | None) -> QuerySet:
    """Narrow `qs` (a model with `search_text` and `organization`) to the query's records."""
    for word in terms(query):
        named = Organization.objects.filter(Q(name__icontains=word) | Q(short_name__icontains=word))
        qs = qs.filter(Q(search_text__has=word) | Q(organization__in=named.values("pk")))
    return qs
