"""The OSR manager's home page: services of their groups that will not make their planned date."""

from __future__ import annotations

from django.utils import timezone

from osr.catalogue.home import SHOWN
from osr.catalogue.models import Service
from osr.catalogue.rules import managed_group_ids
from osr.core.home import HomeSection, register_home_section
from osr.core.roles import OSR_MANAGER

from .forecasts import off_track


def not_on_track(request) -> dict:
    """Services of the manager's groups whose pace misses their planned date, soonest first."""
    groups = managed_group_ids(request.user, OSR_MANAGER)
    services = Service.objects.filter(delivery_group_id__in=groups).order_by("name", "id")
    late = off_track(services, today=timezone.localdate()) if groups else []
    return {"groups": len(groups), "rows": late[:SHOWN], "total": len(late)}


def register() -> None:
    register_home_section(
        "readiness-not-on-track",
        HomeSection(45, OSR_MANAGER, "readiness/home/not_on_track.html", not_on_track),
    )
