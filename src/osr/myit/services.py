"""MyIT operations shared by pages, the API, the CLI and the background task."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from osr.catalogue.models import Component, Dependency, Service
from osr.core.audit import acting_as
from osr.core.refusals import Conflicting
from osr.readiness.changes import results_changed

from .checks import CheckResult, evaluate
from .choices import SyncStatus
from .client import MyitClient, MyitError
from .mapping import current_mapping
from .models import MyitRecord, MyitSnapshot, SyncRun
from .plan import ComponentFacts, MyitServiceFacts, SyncOutcome
from .preflight import Preflight, check
from .sync import Sync

# A run queued or running this long is taken to be abandoned (its worker died):
# it no longer stops the service from syncing. Far longer than any sync takes.
ABANDONED_AFTER = timedelta(hours=6)
ACTIVE = (SyncStatus.QUEUED, SyncStatus.RUNNING)
OWN_GROUPS = ("group:support", "group:change")


class AlreadySyncing(Conflicting):
    """A service already has a sync or dry run queued or running: 409."""

    detail = "Already syncing"


def request_sync(
    services: list[Service], *, by, dry_run: bool = False, enqueue: bool = True
) -> list[SyncRun]:
    """Queue a sync (or dry run) of each service, run by a worker once committed.

    Refused as a whole, naming them, if any of the services is already syncing:
    the database holds one active run per service, so of two requests made at
    the same moment one is refused.
    """
    requested_by = by if getattr(by, "is_authenticated", False) else None
    ids = [s.pk for s in services]
    SyncRun.objects.filter(
        service_id__in=ids, status__in=ACTIVE, queued_at__lt=timezone.now() - ABANDONED_AFTER
    ).update(
        status=SyncStatus.FAILED,
        finished_at=timezone.now(),
        message="Taken to be abandoned: no result after "
        f"{ABANDONED_AFTER.total_seconds() / 3600:g} hours",
    )
    busy = set(
        SyncRun.objects.filter(service_id__in=ids, status__in=ACTIVE).values_list(
            "service_id", flat=True
        )
    )
    if busy:
        raise _already_syncing([s for s in services if s.pk in busy])
    try:
        with transaction.atomic():
            runs = [
                SyncRun.objects.create(service=s, dry_run=dry_run, requested_by=requested_by)
                for s in services
            ]
            if enqueue and runs:
                from .tasks import sync_to_myit

                queued = [run.pk for run in runs]
                transaction.on_commit(lambda: sync_to_myit.enqueue(queued))
    except IntegrityError as error:  # another request queued one between the check and here
        raise _already_syncing(services) from error
    return runs


def _already_syncing(services: list[Service]) -> AlreadySyncing:
    names = ", ".join(s.name for s in services[:3]) + (" and others" if len(services) > 3 else "")
    verb = "is" if len(services) == 1 else "are"
    return AlreadySyncing(
        f"{names} {verb} already syncing to MyIT: wait for that sync to finish, then try again"
    )


def run_syncs(
    run_ids: list[int],
    *,
    client: MyitClient | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[SyncRun]:
    """Carry out queued runs: compare each service with MyIT and write the differences.

    Each service's result is kept as soon as it is known, so a run stopped by
    an error records what was and was not written, and the next run resumes
    from the stored sys_ids without creating anything twice.
    """
    with transaction.atomic():  # claimed once: a run given to two workers is carried out once
        runs = list(
            SyncRun.objects.select_for_update(of=("self",))
            .filter(pk__in=run_ids, status=SyncStatus.QUEUED)
            .select_related("requested_by")
            .order_by("pk")
        )
        SyncRun.objects.filter(pk__in=[r.pk for r in runs]).update(
            status=SyncStatus.RUNNING, started_at=timezone.now()
        )
    if not runs:
        return []
    mapping = current_mapping()
    try:
        own_client = client is None
        client = client or MyitClient.from_settings()
        if progress:  # a pause for MyIT's hourly rate limit is said where the run reports
            client.on_pause = progress
    except MyitError as error:
        SyncRun.objects.filter(pk__in=[r.pk for r in runs]).update(
            status=SyncStatus.FAILED, finished_at=timezone.now(), message=str(error)
        )
        return runs
    by_service = {run.service_id: run for run in runs}
    try:
        missing = _missing_in_myit(client, mapping)
        if missing:
            SyncRun.objects.filter(pk__in=[r.pk for r in runs]).update(
                status=SyncStatus.FAILED, finished_at=timezone.now(), message=missing
            )
            if progress:
                progress(missing)
        for dry_run in (False, True) if not missing else ():
            chosen = [r for r in runs if r.dry_run == dry_run]
            if not chosen:
                continue
            sync = Sync(
                client, mapping, dry_run=dry_run, progress=progress, group_owners=_group_owners
            )
            batches = _batches([r.service_id for r in chosen], mapping.batch_size)
            sync.run(batches, len(chosen), lambda s, o: _keep(by_service[s.pk], s, o))
    except Exception:
        # Never leave a run shown as running for ever: what finished is already kept.
        SyncRun.objects.filter(pk__in=[r.pk for r in runs], status=SyncStatus.RUNNING).update(
            status=SyncStatus.FAILED,
            finished_at=timezone.now(),
            message="Stopped by an unexpected error; the next sync resumes it",
        )
        raise
    finally:
        if own_client:
            client.close()
    for run in runs:
        run.refresh_from_db()
    return runs


def _missing_in_myit(client: MyitClient, mapping) -> str:
    """Why a sync must not run: the tables and fields the mapping names that MyIT lacks.

    Checked against MyIT's dictionary before each run, because a field MyIT
    lacks is ignored without an error, in writes and in look-ups alike.
    """
    try:
        found = check(client, mapping, probe=False)
    except MyitError as error:
        return f"Could not check MyIT has the mapped fields: {error}"
    if found.ready:
        return ""
    return (
        "Not synced: MyIT lacks " + ", ".join(found.missing) + ". Add them in MyIT or change "
        "the mapping (OSR_MYIT_MAPPING_FILE); `osr myit check` lists what is needed"
    )


def preflight(*, client: MyitClient | None = None) -> Preflight:
    """Whether MyIT has each mapped table and field, OSR's access to them, and roles needed."""
    own = client is None
    client = client or MyitClient.from_settings()
    try:
        return check(client, current_mapping())
    finally:
        if own:
            client.close()


def sync_now(
    services: list[Service],
    *,
    by,
    dry_run: bool = False,
    client: MyitClient | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[SyncRun]:
    """Sync services in this process (the CLI), reporting progress line by line."""
    runs = request_sync(services, by=by, dry_run=dry_run, enqueue=False)
    return run_syncs([r.pk for r in runs], client=client, progress=progress)


def _batches(service_ids: list[int], size: int) -> Iterator[list]:
    """(service, facts, stored sys_ids) in batches, read with a fixed number of queries each."""
    for start in range(0, len(service_ids), size):
        ids = service_ids[start : start + size]
        services = list(
            Service.objects.filter(pk__in=ids)
            .select_related("data_owner", "service_owner", "myit_snapshot")
            .prefetch_related(
                Prefetch("components", queryset=Component.objects.order_by("pk")),
                Prefetch(
                    "dependencies",
                    queryset=Dependency.objects.filter(to_service__isnull=False)
                    .select_related("to_service")
                    .order_by("to_service__slug"),
                ),
            )
            .order_by("name", "pk")
        )
        depends_on = {s.pk: _targets(s) for s in services}
        targets = {slug for slugs in depends_on.values() for slug in slugs}
        stored: dict[int, dict[str, str]] = {s.pk: {} for s in services}
        for record in MyitRecord.objects.filter(service_id__in=ids).values(
            "service_id", "key", "sys_id"
        ):
            stored[record["service_id"]][record["key"]] = record["sys_id"]
        target_ids = dict(
            MyitRecord.objects.filter(service__slug__in=targets, key="service").values_list(
                "service__slug", "sys_id"
            )
        )
        for s in services:
            for slug in depends_on[s.pk]:
                if slug in target_ids:
                    stored[s.pk][f"target:{slug}"] = target_ids[slug]
        remembered = _remembered_queues(services)
        for s in services:
            for c in s.components.all():
                key = f"group:queue:{c.support_group.strip()}"
                if key in remembered:
                    stored[s.pk].setdefault(key, remembered[key])
        yield [(s, facts_of(s), stored[s.pk]) for s in services]


def _remembered_queues(services: list[Service]) -> dict[str, str]:
    """The MyIT group each components' support group was first found as, by any service.

    Once found, a queue is known by its sys_id: renamed in MyIT, or joined by
    another group of its name, it is still the same group for every service.
    """
    keys = {
        f"group:queue:{c.support_group.strip()}"
        for s in services
        for c in s.components.all()
        if c.support_group.strip()
    }
    remembered: dict[str, str] = {}
    for key, sys_id in (
        MyitRecord.objects.filter(key__in=keys).order_by("pk").values_list("key", "sys_id")
    ):
        remembered.setdefault(key, sys_id)
    return remembered


def _group_owners(sys_ids: set[str]) -> dict[str, str]:
    """Group sys_id -> the slug of the service that first kept it as its support or change group."""
    owners: dict[str, str] = {}
    for sys_id, slug in (
        MyitRecord.objects.filter(sys_id__in=sys_ids, key__in=OWN_GROUPS)
        .order_by("pk")
        .values_list("sys_id", "service__slug")
    ):
        owners.setdefault(sys_id, slug)
    return owners


def _targets(service: Service) -> list[str]:
    """The slugs of the catalogue services a service depends on (prefetched)."""
    return [d.to_service.slug for d in service.dependencies.all() if d.to_service is not None]


def facts_of(service: Service) -> MyitServiceFacts:
    """What MyIT needs to know of a service, as plain data."""
    return MyitServiceFacts(
        slug=service.slug,
        name=service.name,
        description=service.description,
        critical=service.critical,
        phase=service.phase,
        data_owner_email=service.data_owner.email if service.data_owner else "",
        service_owner_email=service.service_owner.email if service.service_owner else "",
        support_contact_email=service.support_contact_email,
        components=tuple(
            ComponentFacts(
                pk=c.pk,
                name=c.name,
                kind=c.get_kind_display(),
                hosting=c.get_hosting_display(),
                support_group=c.support_group,
            )
            for c in service.components.all()
        ),
        depends_on=tuple(_targets(service)),
        not_taken=_not_taken(service),
    )


def _not_taken(service: Service) -> tuple[tuple[str, str, str], ...]:
    """The fields MyIT did not take at the service's last sync (its snapshot is selected)."""
    try:
        held = service.myit_snapshot.held
    except MyitSnapshot.DoesNotExist:
        return ()
    return tuple((e["key"], e["field"], e["value"]) for e in held.get("not_taken", []))


def _keep(run: SyncRun, service: Service, outcome: SyncOutcome) -> None:
    """Keep one service's result: its sys_ids, what MyIT holds, and the run's record."""
    with transaction.atomic(), acting_as(run.requested_by):
        if not run.dry_run:
            _store_sys_ids(service, outcome.records)
            outcome.records.clear()
            if outcome.forgotten:
                MyitRecord.objects.filter(service=service, key__in=outcome.forgotten).delete()
                outcome.forgotten.clear()
            if outcome.held:  # empty when MyIT could not be read
                now = timezone.now()
                updated = MyitSnapshot.objects.filter(service=service).update(
                    held=outcome.held, taken_at=now
                )
                if not updated:
                    MyitSnapshot.objects.create(service=service, held=outcome.held, taken_at=now)
                results_changed([service.pk])  # the MyIT checks read the snapshot
        run.status = SyncStatus.FAILED if outcome.error else SyncStatus.SUCCEEDED
        run.differences = outcome.differences
        run.written = outcome.written
        run.not_written = outcome.not_written
        run.message = outcome.error
        run.finished_at = timezone.now()
        run.save(
            update_fields=[
                "status",
                "differences",
                "written",
                "not_written",
                "message",
                "finished_at",
            ]
        )


def _store_sys_ids(service: Service, found: dict[str, tuple[str, str]]) -> None:
    """Keep the sys_ids of records found or created, in two statements whatever their number."""
    if not found:
        return
    now = timezone.now()
    MyitRecord.objects.bulk_create(
        [
            MyitRecord(service=service, key=key, table=table, sys_id=sys_id, updated=now)
            for key, (table, sys_id) in found.items()
        ],
        update_conflicts=True,
        unique_fields=["service", "key"],
        update_fields=["table", "sys_id", "updated"],
    )


def checks_for(service: Service) -> list[CheckResult]:
    """The MyIT checks of a service, from what MyIT held at its last sync."""
    snapshot = MyitSnapshot.objects.filter(service=service).first()
    return evaluate(snapshot.held if snapshot else {}, current_mapping())


def last_run(service: Service) -> SyncRun | None:
    """The service's latest sync or dry run."""
    return SyncRun.objects.filter(service=service).select_related("requested_by").first()
