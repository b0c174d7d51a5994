"""Who is told what about operations guides; every message goes through ``osr.core.notify``."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from osr.catalogue.recipients import manager_addresses, teams_channel, unique
from osr.core import notify
from osr.core.notify import Kind
from osr.core.roles import LIVE_SERVICES_MANAGER, OSR_MANAGER

from .models import GuideVersion


def awaiting_approval(version: GuideVersion) -> None:
    """Tell the guide's approvers (the group's two managers) that a version awaits them."""
    service = version.service
    group = service.delivery_group
    approvers = unique(
        [
            *manager_addresses(group, LIVE_SERVICES_MANAGER),
            *manager_addresses(group, OSR_MANAGER),
        ]
    )
    link = (
        f"{settings.OSR_BASE_URL}{reverse('guides:version', args=[service.slug, version.number])}"
    )
    notify.send_email(
        approvers,
        f"{service.name}: version {version.number} of the operations guide awaits approval",
        f"Version {version.number} of the service operations guide of {service.name} "
        f"({group.name}) has been generated and awaits approval by the delivery group's "
        "OSR manager and live services manager.\n\n"
        "Read it, and approve it if it is right.",
        Kind.GUIDE_AWAITING_APPROVAL,
        link=link,
        teams=teams_channel(group),
    )
