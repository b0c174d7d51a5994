"""Operations on the profile and the guide's versions, shared by pages, the API and the CLI.

Each write is one transaction, attributed to the acting user in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field

import rules
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from osr.catalogue.models import Service
from osr.catalogue.rules import is_groups_live_services_manager, is_groups_osr_manager
from osr.core.refusals import Forbidden, NotFound

from . import notices
from .assembly import assemble
from .choices import Approver, ExportStatus
from .diff import SectionChange, compare
from .document import Guide
from .export import live_guide_versions, write_zip
from .forms import ProfileForm
from .models import GuideExport, GuideVersion, OperationsProfile
from .versions import guide_of

CURRENT = "current"  # names the guide as it would be generated now, instead of a version


def profile_of(service: Service) -> OperationsProfile:
    """The service's operations profile, or a new empty one (not saved) if it has none."""
    try:
        return OperationsProfile.objects.get(service=service)
    except OperationsProfile.DoesNotExist:
        return OperationsProfile(service=service)


def save_profile(form: ProfileForm, *, by) -> OperationsProfile:
    """Save a validated profile form (one part, or the whole from the API) as ``by``."""
    with transaction.atomic():
        return form.save()


def version_of(service: Service, number: int | None) -> GuideVersion:
    """Version ``number`` of the service's guide, or its latest; NotFound if there is none."""
    versions = GuideVersion.objects.filter(service=service).select_related(
        "service", "generated_by"
    )
    if number is None:
        found = versions.first()
    else:
        # A number no version could have is not looked up: the database may not hold it.
        found = versions.filter(number=number).first() if 0 < number < 2**31 else None
    if found is None:
        raise NotFound(
            f"No version {number} of the guide of {service.slug}"
            if number is not None
            else f"No version of the guide of {service.slug} has been generated yet"
        )
    return found


def guide_for(service: Service, version: str | int | None, *, today: dt.date) -> Guide:
    """The guide to show or download: version N, the latest (None), or ``current``, a preview
    of the guide as it would be generated now."""
    if version == CURRENT:
        return assemble(service, today=today)
    number = None
    if version not in (None, ""):
        try:
            number = int(version)
        except (TypeError, ValueError) as error:
            raise NotFound(f"No version {version} of the guide of {service.slug}") from error
    return guide_of(version_of(service, number))


def generate_version(service: Service, *, by, today: dt.date) -> GuideVersion:
    """Assemble the guide as OSR holds it now, store it as the next numbered draft, and
    tell its approvers."""
    guide = assemble(service, today=today)
    with transaction.atomic():
        # Locking the service numbers versions one at a time, however many ask at once.
        list(Service.objects.select_for_update().filter(pk=service.pk).values_list("pk"))
        latest = GuideVersion.objects.filter(service=service).aggregate(n=Max("number"))["n"]
        version = GuideVersion.objects.create(
            service=service,
            number=(latest or 0) + 1,
            data=guide.to_dict(),
            fingerprint=guide.fingerprint(),
            complete=guide.complete,
            generated_by=by if getattr(by, "is_authenticated", False) else None,
        )
        notices.awaiting_approval(version)
        return version


def approver_roles(user, service: Service) -> list[str]:
    """The approver roles ``user`` holds for the service: its group's managers, by rule."""
    deciding = {
        Approver.OSR_MANAGER: is_groups_osr_manager,
        Approver.LIVE_SERVICES_MANAGER: is_groups_live_services_manager,
    }
    return [role for role in Approver.values if deciding[Approver(role)](user, service)]


def approve_version(version: GuideVersion, *, by) -> GuideVersion:
    """Record ``by``'s approval of a version as the group's OSR or live services manager.

    Refuses (Forbidden) anyone else, and ``ApprovalRefused`` when the
    version is approved or superseded already, or a critical service's guide
    lacks a section it must have.
    """
    # Asked of the rule itself: a superuser's blanket permission does not approve.
    if not rules.has_perm("guides.approve_guide", by, version.service):
        raise Forbidden(
            "Only the delivery group's OSR manager and live services manager approve its guides"
        )
    roles = approver_roles(by, version.service)
    critical = Guide.from_dict(version.data).critical_incomplete()
    version.approve(by=by, roles=roles, critical_incomplete=critical)
    return version


@dataclass
class GuideStatus:
    """Where a service's guide stands: today's assembly against its latest approved version."""

    current: Guide
    latest: GuideVersion | None
    approved: GuideVersion | None
    out_of_date: bool = False  # what the approved version was built from has changed
    changes: list[SectionChange] = field(default_factory=list)

    @property
    def met(self) -> bool:
        """AS-4 as the guide's own pages see it: approved, complete and up to date."""
        return self.approved is not None and self.approved.complete and not self.out_of_date


def guide_status(service: Service, *, today: dt.date) -> GuideStatus:
    """The service's guide now, its latest and latest approved versions, and what changed."""
    current = assemble(service, today=today)
    versions = GuideVersion.objects.filter(service=service).select_related("generated_by")
    latest = versions.first()
    approved = versions.filter(approved_at__isnull=False).first()
    if approved is None or approved.fingerprint == current.fingerprint():
        return GuideStatus(current, latest, approved)
    changes = compare(Guide.from_dict(approved.data), current)
    return GuideStatus(current, latest, approved, True, changes)


def request_export(formats: list[str], *, by) -> GuideExport:
    """Queue a bulk export of the live services' approved guides; a worker carries it out."""
    from .tasks import export_live_guides

    with transaction.atomic():
        export = GuideExport.objects.create(
            formats=list(formats), requested_by=by if by.is_authenticated else None
        )
        transaction.on_commit(lambda: export_live_guides.enqueue(export.pk))
    return export


def run_export(export_id: int) -> GuideExport:
    """Write the zip of a queued export to storage, recording progress as it goes."""
    export = GuideExport.objects.get(pk=export_id)
    if export.finished:
        return export
    GuideExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    step = {"every": 1}

    def progress(done: int, total: int) -> None:
        if done == 0:
            step["every"] = max(1, total // 100)
        if done == total or done % step["every"] == 0:
            GuideExport.objects.filter(pk=export.pk).update(done=done, total=total)

    try:
        with tempfile.TemporaryFile() as target:
            write_zip(target, export.formats, progress=progress)
            size = target.tell()
            target.seek(0)
            export.refresh_from_db()
            export.file.save(f"osr-live-guides-{export.pk}.zip", File(target), save=False)
    except Exception as error:
        GuideExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), message=str(error)[:1000]
        )
        raise
    GuideExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.SUCCEEDED, finished_at=timezone.now(), file=export.file.name, size=size
    )
    export.refresh_from_db()
    return export


def live_guide_count() -> int:
    """How many live services have an approved guide: what a bulk export will hold."""
    return live_guide_versions().count()
