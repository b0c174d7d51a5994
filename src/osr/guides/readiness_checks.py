"""AS-4, plugged into readiness's registry of automatic checks as
``guides.operations_guide_approved``.

``load`` reads each service's latest approved version and assembles its guide
as OSR holds it now (a fixed number of queries for any number of services);
``decide`` compares the two fingerprints: nothing but plain data and the date.
"""

from __future__ import annotations

from django.utils import timezone

from osr.readiness.checks import MET, NOT_MET, AutomaticCheck, CheckOutcome, register_check
from osr.readiness.triggers import refresh_when_saved

from .assembly import assemble_many, is_assembling
from .document import day_text
from .models import GuideVersion, OperationsProfile

NAME = "guides.operations_guide_approved"


def load_guide_states(service_ids) -> dict[int, dict]:
    """Each service's latest approved version, and the fingerprint of its guide now."""
    if is_assembling():
        # Readiness is being read for a guide, which leaves AS-4 out: nothing to load.
        return {}
    states: dict[int, dict] = {}
    for service_id, number, complete, fingerprint, approved_at in (
        GuideVersion.objects.filter(service_id__in=service_ids, approved_at__isnull=False)
        .order_by("service_id", "-number")
        .values_list("service_id", "number", "complete", "fingerprint", "approved_at")
    ):
        states.setdefault(
            service_id,
            {
                "number": number,
                "complete": complete,
                "fingerprint": fingerprint,
                "approved_on": timezone.localtime(approved_at).date(),
            },
        )
    if states:
        current = assemble_many(states, today=timezone.localdate())
        for service_id, state in states.items():
            guide = current.get(service_id)
            state["current"] = guide.fingerprint() if guide is not None else None
    return states


def decide(service, evidence, today) -> CheckOutcome:
    """AS-4: the latest approved guide is complete and nothing it was built from has changed."""
    state = service.extra.get(NAME)
    if not state:
        return CheckOutcome(NOT_MET, "No version of the service operations guide has been approved")
    number = state["number"]
    if not state["complete"]:
        return CheckOutcome(
            NOT_MET, f"Version {number} of the guide was approved with sections incomplete"
        )
    if state["current"] != state["fingerprint"]:
        return CheckOutcome(
            NOT_MET,
            f"Guide out of date: what version {number} was built from has changed since",
        )
    return CheckOutcome(
        MET,
        f"Version {number} of the service operations guide, approved on "
        f"{day_text(state['approved_on'])}, is complete and up to date",
    )


def register_with_readiness() -> None:
    # What the check loads: a change refreshes the service's stored readiness.
    refresh_when_saved(GuideVersion, lambda version: [version.service_id])
    refresh_when_saved(OperationsProfile, lambda profile: [profile.service_id])
    register_check(
        AutomaticCheck(
            NAME,
            "The service operations guide is complete and approved",
            decide=decide,
            load=load_guide_states,
        )
    )
