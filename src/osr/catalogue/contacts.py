"""Evergreen contacts: a service's team confirms its owners and contacts every few months.

People move on; an incident call to someone who left a year ago costs time
nobody has. So a service's contacts (owners, support contact and hours, team)
are confirmed every ``OSR_CONFIRM_MONTHS``; until then the service is flagged.
Changing a contact on the service's form confirms them too: the person saving
has just looked at them.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from osr.core import notify
from osr.core.notifications.choices import Kind
from osr.core.shortcuts import day, require

from .choices import Phase
from .models import Service, locked_service
from .recipients import team_addresses, teams_channel

CONTACT_FIELDS = (
    "service_owner",
    "product_manager",
    "data_owner",
    "support_contact_email",
    "support_hours",
    "delivery_team",
)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, or the month's last day when it is shorter."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_after(day: dt.date, months: int) -> dt.date:
    return months_before(day, -months)


def due_on(service: Service) -> dt.date | None:
    """When the contacts are next due to be confirmed; None if they never were (due now)."""
    if service.contacts_confirmed_on is None:
        return None
    return months_after(service.contacts_confirmed_on, settings.OSR_CONFIRM_MONTHS)


def is_due(service: Service, today: dt.date) -> bool:
    if service.phase == Phase.RETIRED:
        return False  # nobody is called about a retired service
    due = due_on(service)
    return due is None or due <= today


def unconfirmed(services: QuerySet[Service], today: dt.date) -> QuerySet[Service]:
    """The services whose contacts are due to be confirmed, in one query."""
    cutoff = months_before(today, settings.OSR_CONFIRM_MONTHS)
    return services.exclude(phase=Phase.RETIRED).filter(
        Q(contacts_confirmed_on__isnull=True) | Q(contacts_confirmed_on__lte=cutoff)
    )


def confirm_contacts(service: Service, *, by, today: dt.date) -> Service:
    """Record that the service's team has checked its contacts today."""
    require(by, "catalogue.change_service", service)
    with transaction.atomic():
        locked = locked_service(service.pk)
        locked.contacts_confirmed_on = today
        locked.save(update_fields=["contacts_confirmed_on", "updated"])
    service.contacts_confirmed_on = today
    return locked


def send_contact_reminders(*, today: dt.date) -> dict[str, int]:
    """The daily job: remind each team whose contacts are due, once a month while they are."""
    due = unconfirmed(Service.objects.all(), today).select_related(
        "delivery_group", "delivery_team", "service_owner__user", "product_manager__user"
    )
    counts = {"services": 0, "notifications": 0}
    for service in due.order_by("pk"):
        last = (
            f"were last confirmed on {day(service.contacts_confirmed_on)}"
            if service.contacts_confirmed_on
            else "have never been confirmed"
        )
        counts["services"] += 1
        counts["notifications"] += notify.send_email(
            team_addresses(service),
            f"{service.name}: confirm its owners and contacts",
            f"The owners and contacts of {service.name} {last}. They are confirmed every "
            f"{settings.OSR_CONFIRM_MONTHS} months, so that the right people are called when "
            "something goes wrong. Check them, change any that are wrong, and confirm them.",
            Kind.CONTACTS_DUE,
            link=f"{settings.OSR_BASE_URL}{service.get_absolute_url()}",
            topic=f"contacts_due:{service.pk}:{today:%Y-%m}",
            teams=teams_channel(service.delivery_group),
        )
    return counts
