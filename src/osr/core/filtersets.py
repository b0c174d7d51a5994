"""The base of every list's filter set: its form class made once, and its filters and the
form's fields copied lightly for each list."""

from __future__ import annotations

import copy
from typing import ClassVar

import django_filters
from django import forms
from django.http import QueryDict


class FilterSet(django_filters.FilterSet):
    """A filter set whose form class is made once a filter set class, and whose filters
    are shallow copies of its class's.

    django-filter makes the form class again for every filter set it builds, so
    for every list served, by building each filter's form field and a class
    around them: a tenth of a list's cost. Nothing in that class depends on the
    list at hand, unless a filter's choices are computed from the request (a
    callable ``queryset``): such a filter set makes its own each time, as before.
    A form made from the class still copies its fields, and a choice field its
    queryset, so each form reads its choices afresh.
    """

    _form_classes: ClassVar[dict[type, type]] = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's own, but for the copies of the class's filters: it deep-copies
        # them, their choices and querysets included, for every list (a quarter of
        # what a filter set costs before it filters). A filter set changes only what
        # it sets on each filter, so each gets its own shallow copy.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(f) for name, f in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self):
        cls = type(self)
        form_class = FilterSet._form_classes.get(cls)
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = _FieldsCopiedLightly(form_class.base_fields)
            if not any(callable(getattr(f, "queryset", None)) for f in self.filters.values()):
                FilterSet._form_classes[cls] = form_class
        return form_class


class _FieldsCopiedLightly(dict):
    """A filter form class's fields, which each form made from the class copies lightly.

    A form deep-copies its class's fields: their widgets, error messages, choices
    and every choice in them, a third of what a list's filter set costs. A filter
    form sets nothing on its fields, nor on anything they hold, so each form gets its
    own copy of each field and widget, sharing what they hold but for a choice
    field's queryset, copied so that each form reads its choices afresh.
    """

    def __deepcopy__(self, _memo) -> dict[str, forms.Field]:
        return {name: _field_copy(field) for name, field in self.items()}


def _field_copy(field: forms.Field) -> forms.Field:
    copied = copy.copy(field)
    copied.widget = copy.copy(field.widget)
    copied.widget.attrs = dict(field.widget.attrs)
    if isinstance(copied, forms.ModelChoiceField) and copied.queryset is not None:
        # Through the field's setter, which gives the copied widget the choices too.
        copied.queryset = copied.queryset.all()
    return copied


def _own_copy(filter_: django_filters.Filter) -> django_filters.Filter:
    """A filter set's own copy of one of its class's filters."""
    copied = copy.copy(filter_)
    copied.extra = dict(filter_.extra)
    if filter_.method is not None:
        # The copy's own method proxy, which finds a method named by the filter on the
        # copy's filter set, not on whichever set the original last served.
        copied.method = filter_.method
    return copied
