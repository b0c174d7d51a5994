"""Plain data the evaluation works on: what is known of a service, its evidence, its waivers.

Built from the database by ``loading``, or from a team's manifest by
``manifest``, so that the same pure evaluation answers both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SupplierFacts:
    """A supplier of some of the service's components, and its contracts' dates."""

    name: str
    contracts: tuple[tuple[dt.date, dt.date], ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What the catalogue knows of a service, as readiness needs it."""

    slug: str
    name: str
    phase: str
    phase_since: dt.date
    critical: bool = False
    uses_live_data: bool = False
    live_data_since: dt.date | None = None
    support_contact_email: str = ""
    support_hours: str = "business_hours"
    data_owner: str = ""
    # The day the service last entered each phase it has been in.
    entered: Mapping[str, dt.date] = field(default_factory=dict)
    suppliers: tuple[SupplierFacts, ...] = ()
    # Facts loaded for checks that other apps register, by check name.
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    """One submission of evidence for a requirement and where its review stands."""

    id: int | None
    requirement_id: str
    status: str  # "submitted", "verified" or "rejected"
    submitted_on: dt.date
    reviewed_on: dt.date | None = None
    evidence_date: dt.date | None = None
    pack_version: str = ""
    pack_date: dt.date | None = None
    note: str = ""  # the reason given when rejected

    @property
    def dated(self) -> dt.date:
        """The day the evidence speaks for, from which its validity runs."""
        return self.pack_date or self.evidence_date or self.reviewed_on or self.submitted_on


@dataclass(frozen=True, slots=True)
class WaiverFacts:
    """A requirement waived by the OSR manager, with a reason and an optional expiry."""

    requirement_id: str
    reason: str
    granted_on: dt.date
    expires_on: dt.date | None = None
