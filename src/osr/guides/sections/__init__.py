"""Each section of the guide built from its sources, with what it is missing.

Plain functions over the plain data ``sources.load_sources`` reads: no
queries, no clock (``today`` is passed in).
"""

from __future__ import annotations

import datetime as dt

from ..document import Section
from ..sources import Sources
from . import about, assurance, operations

BUILDERS = (
    about.document_control,
    about.overview,
    about.criticality,
    about.architecture,
    about.dependencies,
    about.contacts,
    operations.support,
    operations.service_levels,
    operations.monitoring,
    operations.incidents,
    operations.change,
    operations.runbooks,
    operations.continuity,
    operations.capacity,
    assurance.security,
    assurance.data_protection,
    assurance.suppliers,
    assurance.myit,
    assurance.acceptance,
)


def build_sections(sources: Sources, today: dt.date) -> list[Section]:
    """The 19 sections, in order."""
    return [build(sources, today) for build in BUILDERS]
