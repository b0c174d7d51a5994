"""``osr myit sync <slug>... | --all [--dry-run]``, ``osr myit checks <slug>`` and
``osr myit check`` (whether MyIT has what the mapping names, and OSR's access)."""

from django.core.management.base import BaseCommand, CommandError

from osr.catalogue.models import Service
from osr.myit import services
from osr.myit.choices import SyncStatus
from osr.myit.client import MyitError
from osr.myit.preflight import WRITTEN


class Command(BaseCommand):
    help = "Sync services to MyIT (ServiceNow), or show the checks MyIT decides."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        sync = actions.add_parser("sync", help="Push services to MyIT, writing only differences")
        sync.add_argument("slugs", nargs="*", help="The services to sync")
        sync.add_argument("--all", action="store_true", help="Sync every service")
        sync.add_argument(
            "--dry-run", action="store_true", help="Show the differences and write nothing"
        )
        checks = actions.add_parser("checks", help="Show the MyIT checks of a service")
        checks.add_argument("slug")
        actions.add_parser(
            "check", help="Check MyIT has each mapped table and field, and OSR's access to them"
        )

    def handle(self, *args, action: str, **options):
        if action == "checks":
            return self.checks(options["slug"])
        if action == "check":
            return self.preflight()
        return self.sync(options["slugs"], every=options["all"], dry_run=options["dry_run"])

    def sync(self, slugs: list[str], *, every: bool, dry_run: bool) -> None:
        if every == bool(slugs):
            raise CommandError("Name the services to sync, or give --all (not both)")
        if every:
            chosen = list(Service.objects.order_by("name", "pk"))
        else:
            chosen = list(Service.objects.filter(slug__in=slugs))
            missing = sorted(set(slugs) - {s.slug for s in chosen})
            if missing:
                raise CommandError(f"No service {', '.join(missing)}")
        kind = "Dry run" if dry_run else "Sync"
        self.stdout.write(f"{kind} of {len(chosen)} service(s) to MyIT")
        try:
            runs = services.sync_now(
                chosen, by=None, dry_run=dry_run, progress=lambda line: self.stdout.write(line)
            )
        except (MyitError, services.AlreadySyncing) as error:
            raise CommandError(str(error)) from error
        for run in runs:
            if dry_run and run.differences:
                self.stdout.write(f"{run.service.slug}:")
                for difference in run.differences:
                    self.stdout.write(f"  {describe(difference)}")
            for entry in run.not_written:
                self.stdout.write(
                    f"{run.service.slug}: not written {entry['key']}: {entry['reason']}"
                )
        failed = [run for run in runs if run.status == SyncStatus.FAILED]
        if failed:
            raise CommandError(f"{len(failed)} service(s) not synced: {failed[0].message}")
        self.stdout.write(self.style.SUCCESS(f"{kind} finished: {len(runs)} service(s)"))

    def checks(self, slug: str) -> None:
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise CommandError(f"No service {slug}")
        for result in services.checks_for(service):
            mark = "met" if result.met else "not met"
            self.stdout.write(f"{result.requirement_id}: {mark}: {result.reason}")

    def preflight(self) -> None:
        try:
            found = services.preflight()
        except MyitError as error:
            raise CommandError(str(error)) from error
        for line in describe_preflight(found):
            self.stdout.write(line)
        if not found.ready:
            raise CommandError(
                "MyIT lacks what the mapping names: "
                + ", ".join(found.missing or [t.table for t in found.tables if not t.ready])
            )
        self.stdout.write(self.style.SUCCESS("MyIT has every mapped table and field"))


def describe_preflight(found) -> list[str]:
    """The preflight's findings, a line a table, then the roles OSR's account needs."""

    def access(known: bool | None, what: str) -> str:
        return {True: what, False: f"NOT {what}", None: f"{what}: not known (no record)"}[known]

    lines = []
    if not found.dictionary_readable:
        lines.append("MyIT's dictionary could not be read: grant personalize_dictionary")
    for t in found.tables:
        if not t.exists:
            lines.append(f"{t.kind} ({t.table}): TABLE MISSING")
            continue
        parts = [access(t.readable, "readable")]
        if t.writable is not None or t.kind in WRITTEN:
            parts.append(access(t.writable, "writable"))
        if t.missing:
            parts.append("MISSING fields " + ", ".join(t.missing))
        if t.hidden:
            parts.append("hidden from OSR: " + ", ".join(t.hidden))
        lines.append(f"{t.kind} ({t.table}): {'; '.join(parts)} (roles {'/'.join(t.roles)})")
    lines.append("Roles OSR's MyIT account needs: " + ", ".join(found.roles))
    return lines


def describe(difference: dict) -> str:
    """One difference on one line."""
    if difference["action"] == "create":
        fields = ", ".join(f"{k}={v!r}" for k, v in difference["fields"].items())
        return f"create {difference['table']} {difference['key']}: {fields}"
    if difference["action"] == "delete":
        return f"delete {difference['table']} {difference['key']} ({difference['sys_id']})"
    changes = ", ".join(
        f"{k}: {old!r} -> {new!r}" for k, (old, new) in difference["changes"].items()
    )
    return f"{difference['action']} {difference['table']} {difference['key']}: {changes}"
