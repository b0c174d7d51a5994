"""The dependency section of the service page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from osr.catalogue.choices import Phase

from .kept_index import current_index
from .queries import reach


def service_panel(request, service) -> dict[str, Any]:
    """Links to the map, impact and incident pages, with how far the service reaches
    (one query: the index's version check)."""
    index = current_index()
    node = index.node_for(service.slug)
    upstream = reach(index, node, "upstream") if node is not None else {}
    downstream = reach(index, node, "downstream") if node is not None else {}
    return {
        "service": service,
        "needs": len(upstream),
        "needed_by": len(downstream),
        "live_needed_by": sum(1 for n in downstream if index.phase(n) == Phase.LIVE),
        "is_live": service.phase == Phase.LIVE,
        "map_url": reverse("graph:map") + f"?service={service.slug}&depth=2",
        "impact_url": reverse("graph:impact", args=[service.slug]),
        "incident_url": reverse("graph:incident_contacts", args=[service.slug]),
    }
