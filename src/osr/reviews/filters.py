"""The actions list's filters, serving the page, the API and the CLI alike."""

import datetime as dt

import django_filters as filters
from django.db.models import Case, IntegerField, Value, When

from osr.catalogue.models import DeliveryGroup, Person
from osr.core.filtersets import FilterSet

from .choices import ActionStatus
from .models import Action


class ActionFilterSet(FilterSet):
    """Open actions by default; by delivery group (slug) and by owner (person id)."""

    group = filters.ModelChoiceFilter(
        queryset=DeliveryGroup.objects.order_by("name"),
        field_name="service__delivery_group",
        to_field_name="slug",
        label="Delivery group",
    )
    owner = filters.ModelChoiceFilter(queryset=Person.objects.order_by("name"), label="Owner")
    status = filters.ChoiceFilter(choices=ActionStatus.choices, empty_label="Any status")

    class Meta:
        model = Action
        fields = ["group", "owner", "status"]


def action_list(params, *, today: dt.date):
    """The filter set over every action, overdue first then soonest due, loading what a row shows.

    Without a ``status`` parameter only open actions are listed.
    """
    data = params.copy()
    if "status" not in data:
        data["status"] = ActionStatus.OPEN
    queryset = (
        Action.objects.select_related(
            "service__delivery_group", "owner", "decision__item__board", "finding__rehearsal"
        )
        .annotate(
            overdue=Case(
                When(status=ActionStatus.OPEN, due_on__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue", "due_on", "id")
    )
    return ActionFilterSet(data=data, queryset=queryset)
