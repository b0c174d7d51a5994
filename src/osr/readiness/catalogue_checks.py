"""Automatic checks decided from what the catalogue holds (LD-2, PB-1, LV-1, LV-4, AS-3).

Each is a pure function of the service's facts, its evidence and the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from osr.catalogue.choices import PHASE_ORDER, SupportHours
from osr.core.shortcuts import day

from .checks import MET, NOT_APPLICABLE, NOT_MET, AutomaticCheck, CheckOutcome, register_check
from .facts import EvidenceFacts, ServiceFacts

PACK_REQUIREMENTS = ("LD-1", "PB-1")


def support_contact(service: ServiceFacts, evidence: Sequence[EvidenceFacts], today: dt.date):
    """LD-2: the service has a support contact with a valid email address."""
    email = service.support_contact_email.strip()
    if not email:
        return CheckOutcome(NOT_MET, "No support contact email is recorded for the service")
    try:
        validate_email(email)
    except ValidationError:
        return CheckOutcome(NOT_MET, f"The support contact ‘{email}’ is not a valid email address")
    return CheckOutcome(MET, f"Support contact: {email}")


def entered_private_beta(service: ServiceFacts) -> dt.date | None:
    """The day the service entered private beta, or the phase it skipped to after it."""
    for phase in PHASE_ORDER[PHASE_ORDER.index("private_beta") :]:
        if phase in service.entered:
            return service.entered[phase]
    if PHASE_ORDER.index(service.phase) >= PHASE_ORDER.index("private_beta"):
        return service.phase_since
    return None


def pack_updated_in_private_beta(
    service: ServiceFacts, evidence: Sequence[EvidenceFacts], today: dt.date
):
    """PB-1: a verified pack version dated on or after the service entered private beta."""
    since = entered_private_beta(service)
    if since is None:
        return None
    packs = [
        e
        for e in evidence
        if e.requirement_id in PACK_REQUIREMENTS and e.status == "verified" and e.pack_date
    ]
    current = [e for e in packs if e.pack_date >= since]  # type: ignore[operator]
    if current:
        latest = max(current, key=lambda e: e.pack_date)  # type: ignore[arg-type,return-value]
        return CheckOutcome(
            MET,
            f"Pack version {latest.pack_version} dated {day(latest.pack_date)} "  # type: ignore[arg-type]
            f"is on or after private beta began ({day(since)})",
        )
    if packs:
        latest = max(packs, key=lambda e: e.pack_date)  # type: ignore[arg-type,return-value]
        return CheckOutcome(
            NOT_MET,
            f"The latest verified pack (version {latest.pack_version}, "
            f"{day(latest.pack_date)}) predates private beta ({day(since)})",  # type: ignore[arg-type]
        )
    return CheckOutcome(NOT_MET, f"No verified pack dated on or after {day(since)}")


def data_owner(service: ServiceFacts, evidence: Sequence[EvidenceFacts], today: dt.date):
    """LV-1: a data owner is set on the service."""
    if service.data_owner:
        return CheckOutcome(MET, f"Data owner: {service.data_owner}")
    return CheckOutcome(NOT_MET, "No data owner is recorded for the service")


def critical_support(service: ServiceFacts, evidence: Sequence[EvidenceFacts], today: dt.date):
    """LV-4: only a critical service needs 24/7 support; its agreement is verified by hand."""
    if not service.critical:
        return CheckOutcome(NOT_APPLICABLE, "The service is not critical")
    if service.support_hours != SupportHours.ALWAYS:
        return CheckOutcome(
            NOT_MET, "The service is critical but its support hours are business hours"
        )
    return None


def supplier_contracts(service: ServiceFacts, evidence: Sequence[EvidenceFacts], today: dt.date):
    """AS-3: every supplier of the service's components has a current contract."""
    if not service.suppliers:
        return CheckOutcome(MET, "No supplier: every component is in-house")
    missing = sorted(
        s.name
        for s in service.suppliers
        if not any(start <= today <= end for start, end in s.contracts)
    )
    if missing:
        return CheckOutcome(NOT_MET, f"No current contract with: {', '.join(missing)}")
    names = ", ".join(sorted(s.name for s in service.suppliers))
    return CheckOutcome(MET, f"Current contracts with every supplier: {names}")


def register_all() -> None:
    for name, decide in [
        ("catalogue.support_contact", support_contact),
        ("catalogue.pack_updated_in_private_beta", pack_updated_in_private_beta),
        ("catalogue.data_owner", data_owner),
        ("catalogue.critical_support", critical_support),
        ("catalogue.supplier_contracts", supplier_contracts),
    ]:
        register_check(AutomaticCheck(name, (decide.__doc__ or "").strip(), decide=decide))


register_all()
