"""One object by the value of one unique field, its SQL written once a process.

Built by the ORM, a look-up writes its SQL again at every call, and for a row of a
few dozen columns writing it costs more than running it and building the object
(0.52 of the 0.82 ms a service's look-up took). The look-ups nearly every request
makes (its API token, the object its address names) always have the same shape:
``OneBy`` has the ORM write their SQL once a process and database, then runs it
with each value and builds the objects as the ORM's own iterator does, with the
related objects of ``select_related``, deferred fields, annotations and prefetches.

The SQL is fixed for the life of the process, as a prepared statement is: a
migration is followed by a restart (``docs/production.md``).
"""

from __future__ import annotations

from collections.abc import Callable
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


class _Compiled:
    """The SQL of one ``OneBy`` on one database, and how to build objects from its row."""

    def __init__(self, queryset: QuerySet, name: str, alias: str) -> None:
        model = queryset.model
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if not (field.unique or field.primary_key):
            raise ValueError(f"{model.__name__}.{name} is not unique: a look-up may find many")
        if queryset._iterable_class is not ModelIterable or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise ValueError("only a queryset of model objects can be compiled")
        self.alias, self.field = alias, field
        connection = connections[alias]
        numbered = field.get_internal_type().endswith(("IntegerField", "AutoField"))
        probe = _NUMBER_PROBE if numbered else _TEXT_PROBE
        compiler = queryset.filter(**{name: probe}).order_by().query.get_compiler(alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        probed = self._db_value(probe, connection)
        if self.params.count(probed) != 1:
            raise ValueError(f"the look-up's value is not one parameter of {self.sql!r}")
        self.position = self.params.index(probed)
        self.locks = bool(queryset.query.select_for_update)
        self.converters = converters_of(compiler)
        select, klass_info = compiler.select, compiler.klass_info
        assert klass_info is not None
        self.model = klass_info["model"]
        selected = klass_info["select_fields"]
        self.start, self.end = selected[0], selected[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        # A populator keeps no state between rows: one set serves every call.
        self.populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
        self.annotations = list(compiler.annotation_col_map.items())
        self.prefetches = list(queryset._prefetch_related_lookups)  # type: ignore[attr-defined]

    def _db_value(self, value: Any, connection) -> Any:
        # As the ORM's exact look-up prepares its right-hand side.
        prepared = self.field.get_prep_value(value)
        return self.field.get_db_prep_value(prepared, connection, prepared=True)

    def get(self, value: Any) -> Model | None:
        connection = connections[self.alias]
        if self.locks and connection.features.has_select_for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(self.params)
        params[self.position] = self._db_value(value, connection)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row: Any = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = converted(row, self.converters, connection)
        obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, obj)
        for attribute, position in self.annotations:
            setattr(obj, attribute, row[position])
        if self.prefetches:
            prefetch_related_objects([obj], *self.prefetches)
        return obj
