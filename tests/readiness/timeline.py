"""Services with a past: catalogued, evidenced and verified on days before today; other policies."""

import datetime as dt
from pathlib import Path

from django.utils import timezone

from osr.catalogue.models import PhaseChange, Service
from osr.readiness.policy import active_policy

from ..factories import ServiceFactory
from .factories import EvidenceFactory

DEFAULT = Path(active_policy().source)


def ago(days: int) -> dt.datetime:
    """Now's local time of day, ``days`` local dates ago. Taking days from this moment
    would land a date early or late when the two dates differ in summer time (late on
    a winter evening, 200 days ago is the next morning in summer)."""
    now = timezone.localtime()
    day = now.date() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, now.time()))


def catalogued(days_ago: int, **fields) -> Service:
    """A service catalogued ``days_ago`` days ago, in its phase since then."""
    service = ServiceFactory(**fields)
    Service.objects.filter(pk=service.pk).update(created=ago(days_ago))
    PhaseChange.objects.create(
        service=service, from_phase="", to_phase=service.phase, changed_at=ago(days_ago)
    )
    return service


def evidenced(service, requirement_id: str, *, submitted: int, verified: int | None = None):
    """Evidence submitted ``submitted`` days ago and, if given, verified ``verified`` days ago."""
    return EvidenceFactory(
        service=service,
        requirement_id=requirement_id,
        submitted_at=ago(submitted),
        status="verified" if verified is not None else "submitted",
        reviewed_at=ago(verified) if verified is not None else None,
    )


def requirement_yaml(requirement_id: str, gate: str, *, effective_from: str = "") -> str:
    effective = f"\n    effective_from: {effective_from}" if effective_from else ""
    return f"""
  - id: {requirement_id}
    title: Accessibility statement published
    guidance: Publish the service's accessibility statement.
    gate: {gate}
    evidence:
      asks_for: A link to the statement.{effective}
"""


def policy_file(directory: Path, *, version: str, extra: str = "") -> str:
    """The Defra policy under another version, with ``extra`` requirements added at the end."""
    text = DEFAULT.read_text().replace('version: "2026.1"', f'version: "{version}"') + extra
    path = directory / f"policy-{version}.yaml"
    path.write_text(text)
    return str(path)
