"""Changes across the estate: filtered by group, by an affected live service and by route.

An affected live service is found through the graph as it is now: a change
could affect a service when the service needs the changed one, directly or
through others. That holds however many services a change's stored blast
radius names, so a hub's changes are never missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from osr.catalogue.choices import Phase
from osr.catalogue.models import DeliveryGroup, Service
from osr.graph.blast import upstream_service_ids
from osr.graph.incidents import absolute
from osr.graph.suspects import RecordedChange
from osr.myit.views import record_url

from .choices import ChangeRoute
from .models import ChangeRequest

COMING_DAYS = 14  # how far back a change still counts as coming to a live service


class ChangeFilterForm(forms.Form):
    """The estate's changes narrowed down; the API checks its query with it too."""

    group = forms.ModelChoiceField(
        label="Delivery group",
        queryset=DeliveryGroup.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any group",
    )
    affects = forms.CharField(
        label="Affected live service",
        required=False,
        max_length=100,
        help_text="The live service's slug, for example farming-payments",
    )
    route = forms.ChoiceField(
        label="Route", choices=[("", "Any route"), *ChangeRoute.choices], required=False
    )

    def clean_affects(self) -> Service | None:
        slug = self.cleaned_data["affects"].strip()
        if not slug:
            return None
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise forms.ValidationError(f"There is no service with the slug {slug}")
        if service.phase != Phase.LIVE:
            raise forms.ValidationError(f"{service.name} is not live: choose a live service")
        return service


@dataclass(frozen=True)
class ChangeFilters:
    group: DeliveryGroup | None = None
    affects: Service | None = None
    route: str = ""
    since: dt.datetime | None = None


def changes_in_estate(filters: ChangeFilters) -> QuerySet[ChangeRequest]:
    """The changes kept by the filters, newest first (two queries for an affected service,
    whatever the size of the estate, then one for the rows)."""
    changes = ChangeRequest.objects.select_related(
        "service", "service__delivery_group", "integration"
    ).order_by("-received_at", "-id")
    if filters.group is not None:
        changes = changes.filter(service__delivery_group=filters.group)
    if filters.route:
        changes = changes.filter(route=filters.route)
    if filters.since is not None:
        changes = changes.filter(received_at__gte=filters.since)
    if filters.affects is not None:
        changes = changes.filter(service_id__in=_changed_upstream_of(filters.affects, changes))
    return changes


def _changed_upstream_of(service: Service, changes: QuerySet[ChangeRequest]) -> list[int]:
    """The services with changes that ``service`` needs: few, whatever it needs in all."""
    changed = np.fromiter(
        changes.order_by().values_list("service_id", flat=True).distinct(), dtype=np.int64
    )
    return np.intersect1d(changed, upstream_service_ids(service)).tolist()


def recorded_since(since: dt.datetime) -> list[RecordedChange]:
    """The changes recorded since then, for the graph's suspects (one query)."""
    rows = ChangeRequest.objects.filter(received_at__gte=since).values_list(
        "service_id", "received_at", "summary", "myit_number", "myit_sys_id", "route"
    )
    return [
        RecordedChange(
            service_id=service_id,
            when=received,
            summary=summary,
            reference=number,
            route=f"{ChangeRoute(route).label}" if route else "",
            url=record_url("change_request", sys_id) or absolute(reverse("devtools:changes")),
        )
        for service_id, received, summary, number, sys_id, route in rows
    ]
