"""The base of every list's filter set: its form class made once, not for every list."""

from __future__ import annotations

from typing import ClassVar

import django_filters


class FilterSet(django_filters.FilterSet):
    """A filter set whose form class is made once a filter set class.

    django-filter makes the form class again for every filter set it builds, so
    for every list served, by building each filter's form field and a class
    around them: a tenth of a list's cost. Nothing in that class depends on the
    list at hand, unless a filter's choices are computed from the request (a
    callable ``queryset``): such a filter set makes its own each time, as before.
    A form made from the class still copies its fields, and a choice field its
    queryset, so each form reads its choices afresh.
    """

    _form_classes: ClassVar[dict[type, type]] = {}

    def get_form_class(self):
        cls = type(self)
        form_class = FilterSet._form_classes.get(cls)
        if form_class is None:
            form_class = super().get_form_class()
            if not any(callable(getattr(f, "queryset", None)) for f in self.filters.values()):
                FilterSet._form_classes[cls] = form_class
        return form_class
