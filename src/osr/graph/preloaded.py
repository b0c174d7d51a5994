"""The catalogue's forms, checked against the catalogue loaded once rather than a query
a field.

An import checks thousands of objects with the catalogue's own forms. Each
drop-down of a form would look its choice up in the database, each foreign key
would be checked again by the model, and each unique field would be searched for:
several queries an object. Here the same forms, with the same fields, clean
methods and messages, resolve choices from every object of the model read once
(``Lookups``) and look for taken unique values in memory, among the objects
already in the catalogue and those the import has written so far.

Check constraints are not run: each one the catalogue declares is also checked by
its form's ``clean`` (a dependency's single target, not on itself; a contract's
dates), which reports it first, and the database enforces it on writing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import AutoField, FileField, Model
from django.utils.functional import cached_property


class Lookups:
    """Each model's objects by the key a drop-down names them with, and the unique values
    taken, each read once (one query a model) and kept up to date as the import writes."""

    def __init__(self) -> None:
        self._choices: dict[tuple[type[Model], str], dict[str, Model]] = {}
        self._taken: dict[tuple[type[Model], tuple[str, ...]], dict[tuple, Any]] = {}
        self.forms: dict[tuple[type[forms.ModelForm], bool], type[forms.ModelForm]] = {}
        self._unique: dict[tuple[type[Model], frozenset[str]], list] = {}
        self._per_form: dict[tuple[str, type], Any] = {}

    def choices(self, field: forms.ModelChoiceField) -> dict[str, Model]:
        """The options of a drop-down, by the text that names each."""
        queryset = field.queryset
        assert queryset is not None
        return self.objects(queryset.model, field.to_field_name or "pk", queryset)

    def objects(self, model: type[Model], key: str, queryset=None) -> dict[str, Model]:
        """Every object of ``model`` by its ``key`` as text, read on first use."""
        if (model, key) not in self._choices:
            rows = queryset if queryset is not None else model._default_manager.all()
            self._choices[model, key] = {str(getattr(obj, key)): obj for obj in rows}
        return self._choices[model, key]

    def taken(self, model: type[Model], fields: tuple[str, ...]) -> dict[tuple, Any]:
        """Values of ``fields`` taken, each with who holds it: a primary key, or an
        object the import has not written yet."""
        key = (model, fields)
        if key not in self._taken:
            attnames = _attnames(model, fields)
            rows = model._base_manager.values_list("pk", *attnames)
            self._taken[key] = {tuple(row[1:]): row[0] for row in rows}
        return self._taken[key]

    def assigned(self, form: forms.ModelForm) -> list[tuple[Any, bool, bool]]:
        """The model fields a form of this class sets on its instance, as
        ``construct_instance`` picks them: each with whether it has a default and
        whether it holds a file."""
        key = ("assigned", type(form))
        if key not in self._per_form:
            opts = form._meta  # type: ignore[attr-defined]
            self._per_form[key] = [
                (field, field.has_default(), isinstance(field, FileField))
                for field in opts.model._meta.fields
                if field.editable
                and not isinstance(field, AutoField)
                and (opts.fields is None or field.name in opts.fields)
                and not (opts.exclude and field.name in opts.exclude)
            ]
        return self._per_form[key]

    def chosen(self, form: forms.ModelForm) -> set[str]:
        """The fields of a form of this class that choose one object."""
        key = ("chosen", type(form))
        if key not in self._per_form:
            self._per_form[key] = {
                name
                for name, field in form.fields.items()
                if isinstance(field, forms.ModelChoiceField)
            }
        return self._per_form[key]

    def cleaning(self, form: forms.BaseForm) -> dict[str, tuple[bool, str | None]]:
        """How a form of this class cleans each field: whether its value can be read
        straight from the data (a field whose cleaning, bound field and change check
        are Django's own), and the name of the form's ``clean_<field>`` method if any."""
        key = ("cleaning", type(form))
        if key not in self._per_form:
            self._per_form[key] = {
                name: (
                    type(field)._clean_bound_field  # type: ignore[attr-defined]
                    is forms.Field._clean_bound_field  # type: ignore[attr-defined]
                    and getattr(field, "bound_field_class", None) is None
                    and not field.show_hidden_initial,
                    f"clean_{name}" if hasattr(form, f"clean_{name}") else None,
                )
                for name, field in form.fields.items()
            }
        return self._per_form[key]

    def unique_checks(self, obj: Model, exclude: set[str]) -> list[tuple[type[Model], tuple]]:
        """The unique checks of ``obj``'s model outside ``exclude``, worked out once."""
        key = (type(obj), frozenset(exclude))
        if key not in self._unique:
            checks, _dates = obj._get_unique_checks(  # type: ignore[attr-defined]
                exclude=exclude, include_meta_constraints=True
            )
            self._unique[key] = [(model, tuple(fields)) for model, fields in checks]
        return self._unique[key]

    def claim(self, obj: Model, before: Model | None) -> None:
        """Mark the unique values of an object about to be written as taken by it, and
        those it gives up (an update) as free."""
        for (model, fields), table in self._taken.items():
            if not isinstance(obj, model):
                continue
            if before is not None:
                old = _values(before, fields)
                if table.get(old) == obj.pk:
                    del table[old]
            table[_values(obj, fields)] = obj

    def written(self, obj: Model) -> None:
        """Make an object just written (and given its key) a choice of every drop-down."""
        for (model, key), table in self._choices.items():
            if isinstance(obj, model):
                table[str(getattr(obj, key))] = obj
        for (model, fields), taken in self._taken.items():
            if isinstance(obj, model) and taken.get(_values(obj, fields)) is obj:
                taken[_values(obj, fields)] = obj.pk


@cache
def _attnames(model: type[Model], fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(model._meta.get_field(name).attname for name in fields)  # type: ignore[union-attr]


@cache
def _reader(model: type[Model], fields: tuple[str, ...]) -> Callable[[Model], tuple]:
    # Asked of every object an import writes, for each of its model's unique values.
    attnames = _attnames(model, fields)
    if len(attnames) == 1:
        read = attrgetter(attnames[0])
        return lambda obj: (read(obj),)
    return attrgetter(*attnames)


def _values(obj: Model, fields: tuple[str, ...]) -> tuple:
    return _reader(type(obj), fields)(obj)


def _holds(holder: Any, obj: Model) -> bool:
    return holder is obj or (obj.pk is not None and holder == obj.pk)


def _key_text(value: Any, key: str) -> str | None:
    if key != "pk":
        return str(value)
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return None


class _Preloaded:
    """A drop-down of one object, resolved from ``lookups`` instead of its queryset."""

    lookups: Lookups

    def to_python(self, value):
        if value in self.empty_values:  # type: ignore[attr-defined]
            return None
        self.validate_no_null_characters(value)  # type: ignore[attr-defined]
        key = self.to_field_name or "pk"  # type: ignore[attr-defined]
        if isinstance(value, self.queryset.model):  # type: ignore[attr-defined]
            value = getattr(value, key)
        found = self.lookups.choices(self).get(_key_text(value, key) or "")  # type: ignore[arg-type]
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],  # type: ignore[attr-defined]
                code="invalid_choice",
                params={"value": value},
            )
        return found


class _PreloadedMultiple:
    """A list of objects, resolved from ``lookups`` instead of its queryset."""

    lookups: Lookups

    def _check_values(self, value):
        key = self.to_field_name or "pk"  # type: ignore[attr-defined]
        try:
            value = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"],  # type: ignore[attr-defined]
                code="invalid_list",
            ) from None
        table = self.lookups.choices(self)  # type: ignore[arg-type]
        found = []
        for item in value:
            self.validate_no_null_characters(item)  # type: ignore[attr-defined]
            text = _key_text(item, key)
            if text is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],  # type: ignore[attr-defined]
                    code="invalid_pk_value",
                    params={"pk": item},
                )
            if text not in table:
                raise ValidationError(
                    self.error_messages["invalid_choice"],  # type: ignore[attr-defined]
                    code="invalid_choice",
                    params={"value": item},
                )
            found.append(table[text])
        return found


@cache
def _preloaded_field(field_class: type[forms.Field]) -> type[forms.Field]:
    mixin = (
        _PreloadedMultiple
        if issubclass(field_class, forms.ModelMultipleChoiceField)
        else _Preloaded
    )
    return type(f"Preloaded{field_class.__name__}", (mixin, field_class), {})


class _Checked:
    """A model form's checks, with choices and unique values looked up in ``lookups``."""

    lookups: Lookups
    instance: Any  # the model form's

    # A bound field is made for each field of each form only to read its value from
    # the data: for the tens of thousands of forms of an import, the value is read
    # here as the bound field reads it (``BoundField.data`` and ``.initial``), and
    # cleaned and compared as ``Field._clean_bound_field`` and
    # ``BoundField._has_changed`` do. A field of another kind goes through its
    # bound field as usual.

    def _field_data(self, field: forms.Field, name: str) -> Any:
        return self._widget_data_value(field.widget, self.add_prefix(name))  # type: ignore[attr-defined]

    def _clean_fields(self):
        if getattr(self, "bound_field_class", None) is not None:
            super()._clean_fields()  # type: ignore[misc]
            return
        cleaned = self.cleaned_data  # type: ignore[attr-defined]
        how = self.lookups.cleaning(self)  # type: ignore[arg-type]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            direct, cleaner = how.get(name) or (False, None)
            try:
                if not direct:
                    cleaned[name] = field._clean_bound_field(self[name])  # type: ignore[index]
                elif field.disabled:
                    cleaned[name] = field.clean(self.get_initial_for_field(field, name))  # type: ignore[attr-defined]
                else:
                    cleaned[name] = field.clean(self._field_data(field, name))
                if cleaner is not None:
                    cleaned[name] = getattr(self, cleaner)()
            except ValidationError as error:
                self.add_error(name, error)  # type: ignore[attr-defined]

    @cached_property
    def changed_data(self) -> list[str]:
        if getattr(self, "bound_field_class", None) is not None:
            return super().changed_data  # type: ignore[misc]
        how = self.lookups.cleaning(self)  # type: ignore[arg-type]
        changed = []
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if (how.get(name) or (False, None))[0]:
                initial = self.get_initial_for_field(field, name)  # type: ignore[attr-defined]
                if field.has_changed(initial, self._field_data(field, name)):
                    changed.append(name)
            elif self[name]._has_changed():  # type: ignore[index]
                changed.append(name)
        return changed

    def _post_clean(self):
        exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
        try:
            self._construct()
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]
        # A reference chosen from the loaded catalogue exists: the model need not
        # query for it again.
        chosen = self.lookups.chosen(self)  # type: ignore[arg-type]
        try:
            self.instance.full_clean(
                exclude=exclude | chosen, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]
        self._check_unique(exclude)

    def _construct(self) -> None:
        """``construct_instance``: the cleaned values set on the instance, with what it
        asks of each model field worked out once a form class."""
        cleaned = self.cleaned_data  # type: ignore[attr-defined]
        files = []
        for field, has_default, is_file in self.lookups.assigned(self):  # type: ignore[arg-type]
            name = field.name
            if name not in cleaned:
                continue
            # Leave defaults for fields that are not in the data, as a model form does.
            if has_default:
                form_field = self.fields[name]  # type: ignore[attr-defined]
                if (
                    form_field.widget.value_omitted_from_data(
                        self.data,  # type: ignore[attr-defined]
                        self.files,  # type: ignore[attr-defined]
                        self.add_prefix(name),  # type: ignore[attr-defined]
                    )
                    and cleaned.get(name) in form_field.empty_values
                ):
                    continue
            if is_file:
                files.append(field)
            else:
                field.save_form_data(self.instance, cleaned[name])
        for field in files:
            field.save_form_data(self.instance, cleaned[field.name])

    def _check_unique(self, exclude: set[str]) -> None:
        instance = self.instance
        errors: dict[str, list] = {}
        for model, fields in self.lookups.unique_checks(instance, exclude):
            values = _values(instance, fields)
            if any(value is None for value in values):
                continue  # as the database does, no two blanks are the same
            holder = self.lookups.taken(model, fields).get(values)
            if holder is not None and not _holds(holder, instance):
                at = fields[0] if len(fields) == 1 else NON_FIELD_ERRORS
                errors.setdefault(at, []).append(instance.unique_error_message(model, fields))
        if errors:
            self._update_errors(ValidationError(errors))  # type: ignore[attr-defined]


class _SharedFields(dict):
    """A form's fields, given as they are to each form rather than copied.

    A form copies its class's fields so that one form's changes to them are not
    another's; an import's forms, made one after another with no user, each set
    them the same way (the messages, a service's slug fixed once it exists), so
    one set serves them all, and the import saves a deep copy of every field of
    every object it checks.
    """

    def __deepcopy__(self, _memo):
        return self


def _checked_class(form_class: type[forms.ModelForm], lookups: Lookups) -> type[forms.ModelForm]:
    # Made for one import (one ``lookups``), so that imports running side by side
    # in threads never share fields.
    checked = type(f"Checked{form_class.__name__}", (_Checked, form_class), {"lookups": lookups})
    fields = copy.deepcopy(form_class.base_fields)
    for field in fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.__class__ = _preloaded_field(type(field))  # type: ignore[assignment, arg-type]
            field.lookups = lookups  # type: ignore[attr-defined]
    checked.base_fields = _SharedFields(fields)  # type: ignore[attr-defined]
    return checked


def checked_form(
    form_class: type[forms.ModelForm], lookups: Lookups, **kwargs: Any
) -> forms.ModelForm:
    """``form_class`` bound with ``kwargs``, checking against ``lookups``."""
    instance = kwargs.get("instance")
    key = (form_class, instance is not None and instance.pk is not None)
    if key not in lookups.forms:
        # New and existing objects apart: a form sets some fields by which it is.
        lookups.forms[key] = _checked_class(form_class, lookups)
    return lookups.forms[key](**kwargs)
