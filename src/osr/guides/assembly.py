"""The one function that assembles a service's operations guide, for one service or many."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from osr.catalogue.models import Service

from .document import Guide
from .sections import build_sections
from .sources import Sources, load_sources

# Set while a guide is assembled. Assembling reads readiness, and readiness asks
# this app's AS-4 check, which assembles guides: inside, the check stays out.
_assembling: ContextVar[bool] = ContextVar("guides_assembling", default=False)


def is_assembling() -> bool:
    return _assembling.get()


@contextlib.contextmanager
def assembling() -> Iterator[None]:
    token = _assembling.set(True)
    try:
        yield
    finally:
        _assembling.reset(token)


def guide_from(sources: Sources, today: dt.date) -> Guide:
    """The guide of one service from its sources."""
    service = sources.service
    return Guide(
        service_slug=service.slug,
        service_name=service.name,
        delivery_group=service.delivery_group.name,
        critical=service.critical,
        assembled_on=today.isoformat(),
        sections=build_sections(sources, today),
    )


def assemble_many(service_ids: Iterable[int], *, today: dt.date) -> dict[int, Guide]:
    """The guides of many services as OSR holds them today, in a fixed number of queries."""
    with assembling():
        found = load_sources(list(service_ids), today=today)
    return {service_id: guide_from(sources, today) for service_id, sources in found.items()}


def assemble(service: Service, *, today: dt.date) -> Guide:
    """The guide of one service as OSR holds it today."""
    return assemble_many([service.pk], today=today)[service.pk]
