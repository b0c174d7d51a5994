"""Operations guides on the home page: the versions awaiting the manager's own approval."""

from __future__ import annotations

from functools import partial

from django.db.models import Exists, OuterRef

from osr.catalogue.home import SHOWN
from osr.catalogue.rules import managed_group_ids
from osr.core.home import HomeSection, register_home_section
from osr.core.roles import LIVE_SERVICES_MANAGER, OSR_MANAGER

from .choices import Approver
from .models import GuideVersion


def awaiting_your_approval(request, *, role: str) -> dict:
    """The latest version of each guide in the manager's groups that awaits their approval.

    Only the latest version can be approved, so an older one left unapproved is not asked for.
    """
    groups = managed_group_ids(request.user, role)
    newer = GuideVersion.objects.filter(
        service_id=OuterRef("service_id"), number__gt=OuterRef("number")
    )
    versions = (
        GuideVersion.objects.filter(
            service__delivery_group_id__in=groups,
            approved_at__isnull=True,
            **{f"{role}_approved_at__isnull": True},
        )
        .filter(~Exists(newer))
        .order_by("generated_at", "id")
    )
    other = next(value for value in Approver.values if value != role)
    return {
        "groups": len(groups),
        # The assembled document is large and the list needs none of it.
        "rows": list(versions.defer("data").select_related("service")[:SHOWN]),
        "total": versions.count(),
        "other": other,
        "other_title": Approver(other).label,
    }


def register() -> None:
    for order, role in ((60, OSR_MANAGER), (30, LIVE_SERVICES_MANAGER)):
        register_home_section(
            f"guides-awaiting-approval-{role}",
            HomeSection(
                order,
                role,
                "guides/home/awaiting_approval.html",
                partial(awaiting_your_approval, role=role),
            ),
        )
