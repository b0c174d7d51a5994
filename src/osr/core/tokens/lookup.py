"""The token a bearer value names, with its holder, in one query compiled once per process.

Every API request looks its token up. Built by the ORM each time, writing the
query's SQL cost four times the processor time of running it and building the
objects (0.7 of 0.9 ms). The SQL never changes, so the ORM writes it once a
process; each lookup runs it and builds the token and its holder from the row
with the same conversions of values the ORM applies.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections

from ..converted import converted, converters_of
from ..models import ApiToken


class _TokenQuery:
    """``ApiToken.objects.select_related("user").filter(key_hash=...)``, compiled."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        queryset = ApiToken.objects.select_related("user").filter(key_hash="").order_by()[:1]
        compiler = queryset.query.get_compiler(alias)
        self.sql, params = compiler.as_sql()
        if list(params) != [""]:
            raise AssertionError(f"the token query takes one parameter, not {params!r}")
        columns = [column for column, _sql, _alias in compiler.select]
        token_fields = ApiToken._meta.concrete_fields
        user_fields = get_user_model()._meta.concrete_fields
        # The row is the token's fields then its holder's, each in model order, so
        # that each model is built from its slice of the row as the ORM builds it.
        if [column.target for column in columns] != [*token_fields, *user_fields]:
            raise AssertionError("the token query selects other columns than expected")
        self.split = len(token_fields)
        self.token_names = [field.attname for field in token_fields]
        self.user_names = [field.attname for field in user_fields]
        self.converters = converters_of(compiler)

    def __call__(self, key_hash: str) -> ApiToken | None:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [key_hash])
            row: Any = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = converted(row, self.converters, connection)
        token = ApiToken.from_db(self.alias, self.token_names, row[: self.split])
        user = get_user_model().from_db(self.alias, self.user_names, row[self.split :])
        ApiToken.user.field.set_cached_value(token, user)
        return token


# One for each database alias: the SQL and its conversions depend on the database's
# kind alone, never on one connection, so the threads of a process share them.
_compiled: dict[str, _TokenQuery] = {}


def find(key_hash: str, using: str = "default") -> ApiToken | None:
    """The token with this hash, its ``user`` loaded; None when no token has it."""
    query = _compiled.get(using)
    if query is None:
        query = _compiled[using] = _TokenQuery(using)
    return query(key_hash)
