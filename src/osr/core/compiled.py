"""One object by the value of one unique field, the objects that share the value of
another, or many by their keys, its SQL written once a process.

Built by the ORM, a look-up writes its SQL again at every call, and for a row of a
few dozen columns writing it costs more than running it and building the object
(0.52 of the 0.82 ms a service's look-up took). The look-ups nearly every request
makes (its API token, the object its address names) always have the same shape:
``OneBy`` has the ORM write their SQL once a process and database, then runs it
with each value and builds the objects as the ORM's own iterator does, with the
related objects of ``select_related``, deferred fields, annotations and prefetches.
``ByKeys`` does the same for the rows of a list's page, once their keys are found.

The SQL is fixed for the life of the process, as a prepared statement is: a
migration is followed by a restart (``docs/production.md``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

from .converted import converted, converters_of

M = TypeVar("M", bound=Model)

# Stand-ins for the value while the SQL is written, found again among its parameters.
_TEXT_PROBE = "\x1fosr-compiled-look-up\x1f"
_NUMBER_PROBE = -7_361_004_291_553
_TIME_PROBE = dt.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC)
# A placeholder of the SQL the ORM writes, or a percent sign it has escaped.
_PLACEHOLDER = re.compile("%%|%s")


class OneBy(Generic[M]):
    """``queryset().get(<field>=value)`` for a field that is unique, written once.

    ``queryset`` is called once per database to write the SQL: it must not depend
    on the request or the time (a filter by today's date would stay at the first).
    """

    def __init__(self, queryset: Callable[[], QuerySet[M]], field: str) -> None:
        self.queryset, self.field = queryset, field
        self._compiled: dict[str, _Compiled] = {}

    @property
    def model(self) -> type[M]:
        return self.queryset().model

    def get(self, value: Any, using: str = DEFAULT_DB_ALIAS) -> M | None:
        """The object whose field has this value, or None.

        A value the field cannot hold raises ``ValueError`` or ``TypeError``, as the
        ORM's own ``get`` does.
        """
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = _Compiled(self.queryset(), self.field, using)
        return compiled.get(value)  # type: ignore[return-value]


class AllBy(Generic[M]):
    """``queryset().filter(<field>=value)``, in the queryset's order, written once: the
    rows that belong to one object, such as a service's evidence, read on every view
    of it. As with ``OneBy``, ``queryset`` must not depend on the request or the time.
    """

    def __init__(self, queryset: Callable[[], QuerySet[M]], field: str) -> None:
        self.queryset, self.field = queryset, field
        self._compiled: dict[str, _Compiled] = {}

    def get(self, value: Any, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        """The objects whose field has this value (a related object's key, for a
        foreign key), in the queryset's order."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = _Compiled(
                self.queryset(), self.field, using, unique=False
            )
        return compiled.all(value)  # type: ignore[return-value]


class ByKeys(Generic[M]):
    """``queryset().filter(pk__in=keys)``, in the order of ``keys``, written once.

    The rows of a list's page, whose keys a query of the list's own filters and order
    has found: their SQL is the same for every list of the model but for the number
    of keys, so it is written once a process and database, and its list of keys
    spelled out for each number.
    """

    def __init__(self, queryset: Callable[[], QuerySet[M]]) -> None:
        self.queryset = queryset
        self._compiled: dict[str, _CompiledKeys] = {}

    def get(self, keys: Sequence[Any], using: str = DEFAULT_DB_ALIAS) -> list[M]:
        """The objects with these keys, in their order; a key of none is left out."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = _CompiledKeys(self.queryset(), using)
        return compiled.get(keys)  # type: ignore[return-value]


class ExistsAt:
    """``queryset(moment).exists()``, written once, for a question whose only changing
    value is a moment compared with ``field`` (the time now, say): one asked on every
    write, whose SQL costs more to write than to answer. ``queryset`` is called once
    per database, with a stand-in for the moment."""

    def __init__(self, queryset: Callable[[dt.datetime], QuerySet], field: str) -> None:
        self.queryset, self.field = queryset, field
        self._compiled: dict[str, tuple[str, list, int]] = {}

    def exists(self, moment: dt.datetime, using: str = DEFAULT_DB_ALIAS) -> bool:
        connection = connections[using]
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._written(using)
        sql, params, position = compiled
        params = list(params)
        params[position] = self._db_value(moment, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() is not None

    def _db_value(self, moment: dt.datetime, connection) -> Any:
        field = self.queryset(_TIME_PROBE).model._meta.get_field(self.field)
        return field.get_db_prep_value(moment, connection)

    def _written(self, using: str) -> tuple[str, list, int]:
        compiler = self.queryset(_TIME_PROBE).query.exists().get_compiler(using)
        sql, params = compiler.as_sql()
        params, probed = list(params), self._db_value(_TIME_PROBE, connections[using])
        if params.count(probed) != 1:
            raise ValueError(f"the moment is not one parameter of {sql!r}")
        return sql, params, params.index(probed)


class _Builder:
    """How a compiled query's rows become objects, as the ORM's own iterator builds them."""

    def __init__(self, queryset: QuerySet, alias: str, name: str) -> None:
        model = queryset.model
        self.field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if queryset._iterable_class is not ModelIterable or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise ValueError("only a queryset of model objects can be compiled")
        self.alias = alias
        self.locks = bool(queryset.query.select_for_update)
        self.prefetches = list(queryset._prefetch_related_lookups)  # type: ignore[attr-defined]

    def _db_value(self, value: Any, connection) -> Any:
        # As the ORM's exact and ``in`` look-ups prepare their right-hand side.
        prepared = self.field.get_prep_value(value)
        return self.field.get_db_prep_value(prepared, connection, prepared=True)

    def _learn(self, compiler) -> None:
        """What the SQL the compiler has just written selects, and where."""
        self.converters = converters_of(compiler)
        select, klass_info = compiler.select, compiler.klass_info
        assert klass_info is not None
        self.model = klass_info["model"]
        selected = klass_info["select_fields"]
        self.start, self.end = selected[0], selected[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        # A populator keeps no state between rows: one set serves every call.
        self.populators = get_related_populators(klass_info, select, self.alias)  # type: ignore[call-arg]
        self.annotations = list(compiler.annotation_col_map.items())

    def _rows(self, sql: str, params: list) -> list[Model]:
        connection = connections[self.alias]
        if self.locks and connection.features.has_select_for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[Any] = cursor.fetchall()
        objects = []
        for row in rows:
            if self.converters:
                row = converted(row, self.converters, connection)
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for attribute, position in self.annotations:
                setattr(obj, attribute, row[position])
            objects.append(obj)
        if self.prefetches and objects:
            prefetch_related_objects(objects, *self.prefetches)
        return objects


class _Compiled(_Builder):
    """The SQL of one ``OneBy`` (``unique``) or ``AllBy`` on one database."""

    def __init__(self, queryset: QuerySet, name: str, alias: str, *, unique: bool = True) -> None:
        super().__init__(queryset, alias, name)
        if unique and not (self.field.unique or self.field.primary_key):
            model = queryset.model.__name__
            raise ValueError(f"{model}.{name} is not unique: a look-up may find many")
        # A foreign key holds its target's values: a service's key, for ``service``.
        held = getattr(self.field, "target_field", None) or self.field
        numbered = held.get_internal_type().endswith(("IntegerField", "AutoField"))
        probe = _NUMBER_PROBE if numbered else _TEXT_PROBE
        # One row needs no order; the rows of many keep the queryset's.
        filtered = queryset.filter(**{name: probe})
        compiler = (filtered.order_by() if unique else filtered).query.get_compiler(alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        probed = self._db_value(probe, connections[alias])
        if self.params.count(probed) != 1:
            raise ValueError(f"the look-up's value is not one parameter of {self.sql!r}")
        self.position = self.params.index(probed)
        self._learn(compiler)

    def get(self, value: Any) -> Model | None:
        found = self.all(value)
        return found[0] if found else None

    def all(self, value: Any) -> list[Model]:
        params = list(self.params)
        params[self.position] = self._db_value(value, connections[self.alias])
        return self._rows(self.sql, params)


class _CompiledKeys(_Builder):
    """The SQL of one ``ByKeys`` on one database, for any number of keys."""

    def __init__(self, queryset: QuerySet, alias: str) -> None:
        super().__init__(queryset, alias, "pk")
        probes = [_NUMBER_PROBE, _NUMBER_PROBE + 1]
        compiler = queryset.filter(pk__in=probes).order_by().query.get_compiler(alias)
        sql, params = compiler.as_sql()
        connection = connections[alias]
        first, second = (self._db_value(probe, connection) for probe in probes)
        params = list(params)
        if params.count(first) != 1 or params.count(second) != 1:
            raise ValueError(f"the keys are not parameters of {sql!r}")
        position = params.index(first)
        # The list of keys is the two placeholders in a row, ``%s, %s``, among the SQL's.
        placeholders = [m for m in _PLACEHOLDER.finditer(sql) if m[0] == "%s"]
        at = placeholders[position : position + 2]
        if (
            len(placeholders) != len(params)
            or params[position + 1] != second
            or sql[at[0].end() : at[1].start()] != ", "
        ):
            raise ValueError(f"the keys are not one list of parameters in {sql!r}")
        self.before, self.after = sql[: at[0].start()], sql[at[1].end() :]
        self.params_before, self.params_after = params[:position], params[position + 2 :]
        self._sql_for: dict[int, str] = {}
        self._learn(compiler)

    def get(self, keys: Sequence[Any]) -> list[Model]:
        connection = connections[self.alias]
        values = list(dict.fromkeys(self._db_value(key, connection) for key in keys))
        # As many keys a statement as the database takes parameters (SQLite: 999).
        limit = connection.features.max_query_params
        others = len(self.params_before) + len(self.params_after)
        size = max(1, limit - others) if limit else max(1, len(values))
        found: dict[Any, Model] = {}
        for start in range(0, len(values), size):
            part = values[start : start + size]
            params = [*self.params_before, *part, *self.params_after]
            found.update((obj.pk, obj) for obj in self._rows(self._sql_of(len(part)), params))
        return [found[value] for value in values if value in found]

    def _sql_of(self, count: int) -> str:
        sql = self._sql_for.get(count)
        if sql is None:
            sql = self._sql_for[count] = self.before + ", ".join(["%s"] * count) + self.after
        return sql
