"""Lookups made on every request, compiled to SQL once per process.

Building and compiling a Django queryset costs more than a short indexed query itself:
the token lookup (three tables joined for select_related) took ~1.2 ms of Python before
PostgreSQL answered in ~0.1 ms (bench/README.md, HTTP section). A PreparedLookup builds
its queryset once per database, with placeholder values, keeps the SQL and the
compiler's row converters, and then runs that SQL with each request's values.

It caches the statement, never an answer: every call asks the database, so whatever
changed a moment ago in another process (a token revoked, an account closed) is seen
at once, and there is nothing to invalidate.

On PostgreSQL these hot statements also go through `prepared_cursor`, so the server
plans each once per connection instead of on every request (planning the token lookup
took 0.23 ms, running it 0.04 ms). Every other query keeps Django's client-side binding:
no limit on the number of parameters (an `IN` of 100,000 recipients) and nothing
prepared that a pooler would have to know about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    slots: dict[str, int]  # placeholder name -> its position among the params
    compiler: Any
    converters: dict
    field_names: list[str]
    model_columns: slice
    populators: list


class PreparedLookup:
    """The first object of a queryset made by `make(**values)`, compiled once.

    `placeholders` names each value with a (placeholder, field) pair: the placeholder
    is what the queryset is compiled with, and must reach the SQL as exactly one
    parameter (a lookup on that field); each call's value is prepared for the database
    by that field, as the ORM would. Anything else in the queryset is fixed.
    """

    def __init__(self, make: Callable[..., QuerySet], **placeholders: tuple[Any, Field]):
        self.make, self.placeholders = make, placeholders
        self.fields = {name: field for name, (_value, field) in placeholders.items()}
        self._statements: dict[tuple[str, str], _Statement] = {}
        self._model: type[Model] | None = None

    def first(self, **values) -> Model | None:
        if values.keys() != self.placeholders.keys():
            raise TypeError(f"give exactly these values: {sorted(self.placeholders)}")
        if self._model is None:
            self._model = self.make(**self._placeholder_values()).model
        alias = router.db_for_read(self._model)
        connection = connections[alias]
        statement = self._statements.get((alias, connection.vendor)) or self._compile(alias)
        params = list(statement.params)
        for name, value in values.items():
            params[statement.slots[name]] = self.fields[name].get_db_prep_value(
                value, connection, prepared=False
            )
        with prepared_cursor(connection) as cursor:
            cursor.execute(statement.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if statement.converters:
            row = next(iter(statement.compiler.apply_converters([row], statement.converters)))
        model = statement.compiler.klass_info["model"]
        obj = model.from_db(alias, statement.field_names, row[statement.model_columns])
        for populator in statement.populators:
            populator.populate(row, obj)
        return obj

    def _placeholder_values(self) -> dict:
        return {name: value for name, (value, _field) in self.placeholders.items()}

    def _compile(self, alias: str) -> _Statement:
        connection = connections[alias]
        queryset = self.make(**self._placeholder_values())
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = {}
        for name, (value, field) in self.placeholders.items():
            prepared = field.get_db_prep_value(value, connection, prepared=False)
            found = [i for i, param in enumerate(params) if param == prepared]
            if len(found) != 1:
                raise ValueError(f"placeholder {name!r} is not exactly one parameter of {sql}")
            slots[name] = found[0]
        select, klass_info = compiler.select, compiler.klass_info
        columns = klass_info["select_fields"]
        statement = _Statement(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters([col for col, _, _ in select]),
            field_names=[select[i][0].target.attname for i in columns],
            model_columns=slice(columns[0], columns[-1] + 1),
            populators=get_related_populators(klass_info, select, alias),
        )
        self._statements[(alias, connection.vendor)] = statement
        return statement


@contextmanager
def prepared_cursor(connection) -> Iterator:
    """A cursor for a statement run on every request: on PostgreSQL its parameters are bound
    by the server, which prepares the statement once the connection has run it
    DB_PREPARE_THRESHOLD times (psycopg's prepare_threshold); elsewhere Django's cursor.
    Queries are still logged and wrapped as Django's own are."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from psycopg import Cursor  # only with PostgreSQL configured

    connection.ensure_connection()
    connection.validate_thread_sharing()
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(Cursor(connection.connection)) as cursor:
        yield cursor
