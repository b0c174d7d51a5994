"""A catalogue resource: one model, its form, filters and permissions.

A ``Resource`` is declared once per model and drives the generic pages
(``core.generic_views``) and the generic API (``core.api_crud``), so a rule
about what may be written, and by whom, lives in exactly one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from typing import Annotated, Any, Literal

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.db.models.options import Options
from django.urls import reverse
from pydantic import ConfigDict, Field, StrictBool, create_model

from . import api_contract
from .compiled import ByKeys, OneBy


@dataclass(eq=False)  # each declaration is itself: compared, and hashed, by identity
class Resource:
    """How one model is listed, shown, validated and guarded."""

    path: str  # the URL segment: "services", "delivery-groups"
    model: type[Model]
    form: type[forms.ModelForm]
    filterset: type
    queryset: Callable[[], QuerySet]
    lookup: str = "slug"  # "slug", or "pk" for objects without one
    # The field of the form whose value is the object that decides who may add:
    # a delivery group, or something belonging to one. None: the add permission
    # is checked without an object.
    owner_field: str | None = None
    extra_out: dict[str, tuple[Any, Callable[[Any], Any]]] = field(default_factory=dict)
    # The objects as the API lists and reads them, where it needs less of their related
    # objects than ``queryset`` loads for the pages and writes; None: ``queryset``.
    read_queryset: Callable[[], QuerySet] | None = None
    # Form fields accepted on writes but never answered: credentials such as a webhook address.
    write_only: tuple[str, ...] = ()
    # Its pages: URL names "<url_prefix>s" (or ``list_name``), "<url_prefix>",
    # "<url_prefix>_add", "_edit" and "_delete" in the model's app.
    url_prefix: str = ""
    list_name: str = ""
    # The list page's columns: (heading, value), or (heading, value, ``sort`` key)
    # for one its filter set sorts by.
    columns: list[tuple[str, Callable[[Any], Any]] | tuple[str, Callable[[Any], Any], str]] = field(
        default_factory=list
    )
    summary: Callable[[Any], list[dict]] | None = None  # the detail page's rows
    # The app's write operations, the same for pages and API: save(form, by=user)
    # and delete(obj, by=user).
    save: Callable[..., Model] | None = None
    delete: Callable[..., None] | None = None
    # The look-ups of one object by its key, as read and as written (locked).
    _finders: dict[tuple[bool, bool], OneBy] = field(default_factory=dict, init=False, repr=False)

    def url(self, kind: str, obj=None) -> str:
        """The address of one of its pages: "list", "detail", "add", "edit" or "delete"."""
        names = {"list": self.list_name or f"{self.url_prefix}s", "detail": self.url_prefix}
        name = names.get(kind, f"{self.url_prefix}_{kind}")
        args = [self.key_of(obj)] if obj is not None else []
        return reverse(f"{self.app_label}:{name}", args=args)

    @cached_property
    def schema_out(self):
        """The pydantic schema of an object in API answers."""
        return output_schema(self)

    @cached_property
    def schema_in(self):
        """The pydantic schema of a create body."""
        return input_schema(self, partial=False)

    @cached_property
    def schema_patch(self):
        """The pydantic schema of an update body: every field optional."""
        return input_schema(self, partial=True)

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name or ""

    @property
    def singular(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def objects_to_read(self) -> QuerySet:
        """The objects as the API lists and reads them."""
        return (self.read_queryset or self.queryset)()

    @cached_property
    def rows_by_key(self) -> ByKeys:
        """A list's page of objects as the API reads them, by their keys."""
        return ByKeys(self.objects_to_read)

    def finder(self, *, read: bool = False, lock: bool = False) -> OneBy:
        """The look-up of one object by its key: as the API reads it (``read``), or as
        the pages and writes load it, its row held until the transaction ends (``lock``)."""
        found = self._finders.get((read, lock))
        if found is None:
            found = OneBy(partial(_one, self, read, lock), self.lookup)
            self._finders[(read, lock)] = found
        return found

    def perm(self, action: str) -> str:
        return f"{self.app_label}.{action}_{self.model_name}"

    def key_of(self, obj) -> Any:
        return getattr(obj, self.lookup)

    def owner_for_new(self, raw: dict) -> Any:
        """The object that decides whether a new one may be added, from raw input."""
        if self.owner_field is None:
            return None
        form_field = self.form.base_fields[self.owner_field]
        value = raw.get(self.owner_field)
        if value in (None, "") or not isinstance(form_field, forms.ModelChoiceField):
            return None
        key = form_field.to_field_name or "pk"
        try:
            if (finder := self._owner_finder) is not None:
                return finder.get(value)
            return form_field.queryset.filter(**{key: value}).first()  # type: ignore[union-attr]
        except (ValueError, TypeError):
            return None

    @cached_property
    def _owner_finder(self) -> OneBy | None:
        """``owner_for_new``'s look-up in SQL written once, where its key is unique."""
        form_field = self.form.base_fields.get(self.owner_field or "")
        if not isinstance(form_field, forms.ModelChoiceField):
            return None
        choices: QuerySet = form_field.queryset  # type: ignore[assignment]
        key = form_field.to_field_name or "pk"
        options = choices.model._meta
        model_field = options.pk if key == "pk" else options.get_field(key)
        if not (model_field.unique or model_field.primary_key):  # type: ignore[union-attr]
            return None
        return OneBy(choices.all, key)


def _one(resource: Resource, read: bool, lock: bool) -> QuerySet:
    queryset = resource.objects_to_read() if read else resource.queryset()
    # Only the object's own row: PostgreSQL cannot lock the nullable side of a join.
    return queryset.select_for_update(of=("self",)) if lock else queryset


def reference_key(form_field: forms.ModelChoiceField) -> str:
    return form_field.to_field_name or "pk"


def form_data_of(form_class: type[forms.ModelForm], obj) -> dict[str, Any]:
    """The values an existing object would post through its form."""
    data: dict[str, Any] = {}
    for name, form_field in form_class.base_fields.items():
        if isinstance(form_field, forms.ModelMultipleChoiceField):
            # An unsaved object has no many-to-many relations to read yet.
            data[name] = [item.pk for item in getattr(obj, name).all()] if obj.pk else []
            continue
        if isinstance(form_field, forms.ModelChoiceField):
            key = reference_key(form_field)
            column = _column_of_key(obj._meta, name, key)
            if column is not None:
                data[name] = getattr(obj, column)
            else:
                value = getattr(obj, name, None)
                data[name] = getattr(value, key) if value is not None else None
        else:
            data[name] = getattr(obj, name, None)
    return data


@cache
def _column_of_key(options: Options, name: str, key: str) -> str | None:
    """The object's own column holding the key a reference is posted by, if it holds it.

    A reference by id is the foreign key's own column: read there, the referred object
    need not be loaded (nor joined, for a list) to show it.
    """
    try:
        model_field = options.get_field(name)
    except FieldDoesNotExist:
        return None
    if not (model_field.many_to_one or model_field.one_to_one) or not model_field.concrete:
        return None
    target = model_field.target_field  # type: ignore[union-attr,attr-defined]
    if (key == "pk" and target.primary_key) or target.name == key:
        return model_field.attname  # type: ignore[union-attr]
    return None


def output_of(resource: Resource, obj) -> dict[str, Any]:
    """An object as the API returns it: its form fields, references by slug or id."""
    data = form_data_of(resource.form, obj)
    for name in resource.write_only:
        del data[name]
    data["id"] = obj.pk
    for name, (_type, getter) in resource.extra_out.items():
        data[name] = getter(obj)
    return data


# A database id: databases store 64-bit integers, so a larger number is refused as
# invalid input rather than reaching the database.
DatabaseId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _python_type(form_field: forms.Field, *, described: bool = False) -> Any:
    """The type of a form field's value in the API; ``described``: with what its form checks."""
    declared = getattr(form_field, "api_input_type" if described else "api_type", None)
    declared = declared or getattr(form_field, "api_type", None)
    if declared is not None:
        return declared
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        item = _reference(form_field) if described else DatabaseId
        return list[item]  # type: ignore[valid-type]
    if isinstance(form_field, forms.ModelChoiceField):
        if described:
            return _reference(form_field)
        return str if form_field.to_field_name else DatabaseId
    if isinstance(form_field, forms.BooleanField):
        return StrictBool  # 0, 1 or "yes" are not booleans
    if isinstance(form_field, forms.DateField):
        return dt.date
    if isinstance(form_field, forms.TypedChoiceField | forms.ChoiceField):
        choices: Any = form_field.choices
        values = tuple(str(value) for value, _label in choices if value != "")
        return Literal[values] if values else str  # type: ignore[valid-type]
    if described and isinstance(form_field, forms.CharField):
        return _text(form_field)
    return str


def _list_path(model: type[Model]) -> str:
    """How a reference names the kind of object it refers to: its list's path."""
    return str(model._meta.verbose_name_plural).replace(" ", "-")


def _reference(form_field: forms.ModelChoiceField) -> Any:
    model = form_field.queryset.model  # type: ignore[union-attr]
    return api_contract.reference(
        _list_path(model), str if form_field.to_field_name else DatabaseId
    )


def _text(form_field: forms.CharField) -> Any:
    """A text field with the limits and the form of value its form checks."""
    limits: dict[str, Any] = {"maxLength": form_field.max_length} if form_field.max_length else {}
    for kind, pattern in (
        (forms.SlugField, api_contract.SLUG),
        (forms.EmailField, api_contract.EMAIL),
        (forms.URLField, api_contract.WEB_ADDRESS),
    ):
        if isinstance(form_field, kind):
            # An optional one may be left blank.
            shown = pattern if form_field.required else api_contract.or_blank(pattern)
            return api_contract.described(str, pattern=shown, **limits)
    return api_contract.text(required=form_field.required, max_length=form_field.max_length)


def _has_default(resource: Resource, name: str) -> bool:
    try:
        return bool(resource.model._meta.get_field(name).has_default())  # type: ignore[union-attr]
    except Exception:  # a form field that is not a model field
        return False


def defaults_of(resource: Resource) -> dict[str, Any]:
    """What a new object holds before any input: the model's defaults."""
    return form_data_of(resource.form, resource.model())


def input_schema(resource: Resource, *, partial: bool):
    """The pydantic schema of a create (or, ``partial``, update) body, built from the form.

    A field the form requires is never null: left out, it takes the model's default.
    """
    defaults = defaults_of(resource)
    fields: dict[str, Any] = {}
    for name, form_field in resource.form.base_fields.items():
        kind = _python_type(form_field, described=True)
        if not form_field.required:
            fields[name] = (kind | None, None)
        elif partial or _has_default(resource, name):
            # Left out of an update, it is unchanged: the document names no default then.
            default = None if partial else defaults.get(name)
            # A default of null is not shown: the field itself may not be null.
            fields[name] = (kind, Field(default) if default is not None else _unshown_none())
        else:
            fields[name] = (kind, ...)
    suffix = "Patch" if partial else "In"
    # A field the form does not have is refused, not dropped: a client sending
    # ``"phase": "live"`` on create learns that phases move another way.
    forbid = ConfigDict(extra="forbid")
    return create_model(f"{resource.model.__name__}{suffix}", __config__=forbid, **fields)


def _unshown_none() -> Any:
    """A default of None that the document leaves out (it shows no default factory)."""
    return Field(default_factory=lambda: None)


def output_schema(resource: Resource):
    """The pydantic schema of an object in API answers."""
    fields: dict[str, Any] = {"id": (int, ...)}
    for name, form_field in resource.form.base_fields.items():
        if name in resource.write_only:
            continue
        kind = _python_type(form_field)
        fields[name] = (kind if form_field.required else kind | None, ...)
    for name, (kind, _getter) in resource.extra_out.items():
        fields[name] = (kind, ...)
    return create_model(f"{resource.model.__name__}Out", **fields)


def query_parameters(filterset: type) -> list[dict[str, Any]]:
    """The OpenAPI query parameters of a list's filters, with the values each accepts."""
    parameters = []
    for name, list_filter in filterset.base_filters.items():  # type: ignore[attr-defined]
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": str(list_filter.label or name.replace("_", " ").capitalize()),
                "schema": _filter_schema(list_filter),
            }
        )
    return parameters


def _filter_schema(list_filter: Any) -> dict[str, Any]:
    field_class = list_filter.field_class
    # Left blank, a filter (or a sort) is not applied.
    if hasattr(list_filter, "param_map"):  # a sort: a key, "-" before it for descending
        keys = sorted(list_filter.param_map)
        return {"type": "string", "enum": ["", *keys, *(f"-{key}" for key in keys)]}
    if issubclass(field_class, forms.ModelChoiceField):
        to = _list_path(list_filter.extra["queryset"].model)
        if list_filter.extra.get("to_field_name"):
            return {"type": "string", "x-refers-to": to}
        return {"type": "integer", "minimum": 1, "x-refers-to": to}
    if issubclass(field_class, forms.NullBooleanField):
        return {"type": "boolean"}
    if issubclass(field_class, forms.ChoiceField):
        values = [str(value) for value, _label in list_filter.extra.get("choices", [])]
        if issubclass(field_class, forms.MultipleChoiceField):
            return {"type": "array", "items": {"type": "string", "enum": values}}
        return {"type": "string", "enum": ["", *values]}
    return {"type": "string", "pattern": api_contract.NUL_FREE}
