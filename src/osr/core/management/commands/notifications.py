"""``osr notifications send`` and ``osr notifications list``: the outbox from the command line."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.core.notifications.choices import Kind, Status
from osr.core.notifications.delivery import deliver_due, retry_failed
from osr.core.notifications.models import Notification


class Command(BaseCommand):
    help = "Send the notifications that are due now, or list the outbox."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        send = actions.add_parser("send", help="Send every notification due now")
        send.add_argument(
            "--failed", action="store_true", help="Also try again those that ran out of attempts"
        )
        listing = actions.add_parser("list", help="The outbox, newest first")
        listing.add_argument("--status", help=f"Only these: {', '.join(Status.values)}")
        listing.add_argument("--kind", help="Only this kind of notification")
        listing.add_argument("--limit", type=int, default=50, help="At most this many (50)")

    def handle(self, *args, **options):
        if options["action"] == "send":
            retried = retry_failed() if options["failed"] else 0
            counts = deliver_due()
            line = f"Notifications sent: {counts['sent']}, failed: {counts['failed']}"
            self.stdout.write(line + (f" ({retried} failed ones tried again)" if retried else ""))
            return
        rows = Notification.objects.order_by("-created_at", "-id")
        status, kind = options["status"], options["kind"]
        if status:
            if status not in Status.values:
                raise CommandError(f"--status {status!r}: choose from {', '.join(Status.values)}")
            rows = rows.filter(status=status)
        if kind:
            if kind not in Kind.values:
                raise CommandError(f"--kind {kind!r}: choose from {', '.join(Kind.values)}")
            rows = rows.filter(kind=kind)
        for row in rows[: max(options["limit"], 0)]:
            to = row.recipient_name if row.channel == "teams" else row.recipient
            when = timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M")
            error = f"  {row.last_error.splitlines()[0]}" if row.last_error else ""
            self.stdout.write(
                f"{row.pk}\t{when}\t{row.status}\t{row.kind}\t{to}\t{row.attempts}\t"
                f"{row.subject}{error}"
            )
