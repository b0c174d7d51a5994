"""``osr myit sync <slug>... | --all [--dry-run]`` and ``osr myit checks <slug>``."""

from django.core.management.base import BaseCommand, CommandError

from osr.catalogue.models import Service
from osr.myit import services
from osr.myit.choices import SyncStatus
from osr.myit.client import MyitError


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

    def handle(self, *args, action: str, **options):
        if action == "checks":
            return self.checks(options["slug"])
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
