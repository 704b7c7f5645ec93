"""A query whose SQL Django builds once per database connection, not on every call.

Building and compiling a queryset costs a few milliseconds of Python for each query, more
than a small indexed query costs the database. A page that runs the same small queries on
every request (the organization home's sections) can keep their SQL:

    PAUSED = Prepared(lambda org_id: Channel.objects.filter(
        organization_id=org_id, status=ChannelStatus.PAUSED).order_by("name")[:5])
    channels = PAUSED(org_id=org.pk)

The function receives a stand-in value for each argument; the queryset it returns is
compiled once, and each call runs that SQL with the stand-ins replaced by the call's
values and reads the rows into model instances as the queryset would (with what
`select_related`, `only` and annotations put there). What is refused when the query is
first built, rather than answered wrongly:

- an argument that does not reach the parameters as it was given or as the pattern of
  `__startswith`, `__endswith` or `__contains` (and their case-insensitive forms) — a
  value computed from it, say —, or that changes the SQL itself: keep such a query a
  queryset;
- querysets other than a plain model query (`values()`, `prefetch_related`);
- an argument the query does not use.

The shape of the query may not depend on the values: the function must not branch on its
arguments (it sees only stand-ins), and it passes them as given: a value computed from an
argument is refused when it differs between the two sets of stand-ins the query is built
with, but one that does not (an argument divided down to nothing) would be kept as a
constant. Each argument's type is fixed by its first call (int, str, date or aware
datetime).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import get_language

_KEYS = itertools.count(1)
#: Bumped when a setting changes (in tests), so that every query is built again.
_generation = [0]


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    _generation[0] += 1


class Prepared:
    """`Prepared(build)(**values)`: the list of model instances (or of dictionaries, for a
    `values()` queryset) of `build(**values)`."""

    def __init__(self, build: Callable[..., Any]) -> None:
        self.build = build
        self._key = f"_guildhall_prepared_{next(_KEYS)}"
        self._alias: str | None = None

    def __call__(self, **values: Any) -> list[Any]:
        if self._alias is None:
            standins = {k: _standin(i, v) for i, (k, v) in enumerate(values.items())}
            self._alias = router.db_for_read(self.build(**standins).model)
        # One plan per connection (each thread has its own, and the compiler is tied to it),
        # time zone and language (the SQL may hold a zone's name or a translated text), and
        # settings (a test's changed settings may change what a query reads).
        connection = connections[self._alias]
        plans = getattr(connection, self._key, None)
        if plans is None:
            plans = {}
            setattr(connection, self._key, plans)
        key = (timezone.get_current_timezone_name(), get_language(), _generation[0])
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = _Plan(self.build, values, connection)
        return plan.run(values)


def _standin(index: int, value: Any, variant: int = 0) -> Any:
    """A value of the argument's type that Django takes as given, in two variants far apart
    (another month, year, case and spacing; integers on two different steps), so that a
    value computed from an argument — another argument's stand-in plus a step, the first of
    its month, its lower-case or stripped form — matches neither and is refused. Integers
    stay small enough for any integer column: Django answers "nothing" for a value outside
    the column's range rather than compiling it."""
    if isinstance(value, bool):
        raise TypeError("a Prepared query takes no bool argument (it is not told apart from 1)")
    if isinstance(value, int):
        return 21_001 + 113 * index if variant == 0 else 27_103 + 257 * index
    if isinstance(value, str):
        # With the characters a LIKE pattern escapes, so that an escaped form is told apart.
        return f" Prepared_Argument%{index}\\{'ab'[variant]} " if variant == 0 else \
            f"  prepared_ARGUMENT%{index}\\{'ab'[variant]}  "
    if isinstance(value, dt.datetime):
        _aware(value)
        if variant == 0:
            return dt.datetime(1901, 2, 3, 4, 5, 6, 7000 + index, tzinfo=dt.UTC) + dt.timedelta(
                days=index)
        return dt.datetime(1937, 7, 19, 13, 31, 47, 123000 + index, tzinfo=dt.UTC) + dt.timedelta(
            days=3 * index)
    if isinstance(value, dt.date):
        return (dt.date(1901, 2, 3) + dt.timedelta(days=index) if variant == 0
                else dt.date(1937, 7, 19) + dt.timedelta(days=3 * index))
    raise TypeError(f"a Prepared query takes int, str, date or datetime arguments, not {type(value)}")


def _aware(value: dt.datetime) -> None:
    if timezone.is_naive(value):
        raise TypeError("a Prepared query takes aware datetimes")


class _Plan:
    """One query's compiled SQL and how to read its rows, on one connection."""

    def __init__(self, build: Callable[..., Any], values: dict[str, Any], connection: Any) -> None:
        self.names = sorted(values)
        values = {name: values[name] for name in self.names}
        self.types = {name: type(v) for name, v in values.items()}
        self.db = connection.alias
        compiled = []
        for variant in (0, 1):
            standins = {name: _standin(i, v, variant) for i, (name, v) in enumerate(values.items())}
            queryset = build(**standins)
            if queryset._iterable_class not in (ModelIterable, ValuesIterable) \
                    or queryset._prefetch_related_lookups or queryset._known_related_objects:
                raise TypeError("a Prepared query is a model queryset or its values() (no "
                                "values_list(), prefetch_related or related managers)")
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            compiled.append((standins, sql, list(params)))
        self.as_dicts = queryset._iterable_class is ValuesIterable
        (first, self.sql, self.params), (second, sql, params) = compiled
        if sql != self.sql or len(params) != len(self.params):
            raise ValueError("a Prepared query's SQL depends on its arguments: keep it a queryset")
        # Where each argument goes: the parameters that differ between the two variants,
        # each the argument's stand-in as the database's adaptation made it.
        self.slots: list[tuple[int, str, Callable[[Any], Any]]] = []
        used = set()
        for pos, (a, b) in enumerate(zip(self.params, params, strict=True)):
            if a == b:
                continue
            slot = next(((name, adapt) for name in self.names
                         for adapt in _adaptations(first[name], connection.ops)
                         if _same(adapt(first[name]), a) and _same(adapt(second[name]), b)), None)
            if slot is None:
                raise ValueError(f"a Prepared query transforms an argument (parameter {a!r}: a "
                                 "pattern or a computed value): keep it a queryset")
            name, adapt = slot
            if type(a) is not type(adapt(first[name])):
                # The backend's own kind of the value (psycopg's Int2 for a small integer).
                adapt = _as_type(type(a), adapt)
            self.slots.append((pos, name, adapt))
            used.add(name)
        if unused := [name for name in self.names if name not in used]:
            raise ValueError(f"a Prepared query does not use its arguments {unused}")
        self.compiler = compiler
        query = compiler.query
        self.columns = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select]
        if self.as_dicts:
            return
        klass_info, select = compiler.klass_info, compiler.select
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start:self.end]]
        self.klass_info, self.select = klass_info, select
        self.annotations = compiler.annotation_col_map

    def run(self, values: dict[str, Any]) -> list[Any]:
        if values.keys() != set(self.names):
            raise TypeError(f"a Prepared query takes the arguments {self.names}")
        params = list(self.params)
        for pos, name, adapt in self.slots:
            value = values[name]
            if type(value) is not self.types[name]:
                raise TypeError(f"the argument {name!r} was {self.types[name]}, now {type(value)}")
            if isinstance(value, dt.datetime):
                _aware(value)
            params[pos] = adapt(value)
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.compiler.has_extra_select:  # as the compiler reads its own rows
            rows = [row[:self.compiler.col_count] for row in rows]
        if self.as_dicts:
            return [dict(zip(self.columns, row, strict=False)) for row in self.compiler.results_iter([rows])]
        populators = get_related_populators(self.klass_info, self.select, self.db)
        found = []
        for row in self.compiler.results_iter([rows]):
            obj = self.model.from_db(self.db, self.init_list, row[self.start:self.end])
            for populator in populators:
                populator.populate(row, obj)
            for attr, pos in self.annotations.items():
                setattr(obj, attr, row[pos])
            found.append(obj)
        return found


def _same(adapted: Any, param: Any) -> bool:
    return isinstance(param, type(adapted)) and param == adapted


def _as_type(kind: type, adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: kind(adapt(value))


def _adaptations(standin: Any, ops: Any) -> list[Callable[[Any], Any]]:
    """The forms Django may have given an argument in the parameters, most likely first."""
    same: Callable[[Any], Any] = lambda v: v  # noqa: E731
    if isinstance(standin, dt.datetime):
        return [ops.adapt_datetimefield_value, same]
    if isinstance(standin, dt.date):
        return [ops.adapt_datefield_value, same]
    if isinstance(standin, str):
        # Escaped as Django escapes them: `__iexact` on SQLite (a LIKE without wildcards),
        # and the patterns of `__startswith`, `__endswith` and `__contains`.
        return [same, ops.prep_for_iexact_query,
                *(_like(pattern, ops) for pattern in ("%s%%", "%%%s", "%%%s%%"))]
    return [same]


def _like(pattern: str, ops: Any) -> Callable[[Any], Any]:
    return lambda value: pattern % ops.prep_for_like_query(value)
