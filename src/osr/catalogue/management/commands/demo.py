"""``osr demo``: load the demo estate and its history, and in development an account for each
role."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from osr.catalogue.demo import load_demo
from osr.catalogue.models import DeliveryGroup, Service


class Command(BaseCommand):
    help = (
        "Load the demo estate of services, groups, teams, suppliers and dependencies, with "
        "its history: evidence, review boards, rehearsals, MyIT syncs, changes and guides. "
        "Running it again adds only what is missing. In development (OSR_DEBUG=1) it also "
        "creates a demo account for each role, with a well-known password."
    )

    def handle(self, *args, **options):
        # The demo's people are fictional. What its history notifies is recorded in the
        # outbox as delivered long ago (see demo_history), so nothing waits to be sent;
        # should anything be sent all the same while it loads, it goes nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            added, accounts = load_demo(today=timezone.localdate(), accounts=settings.DEBUG)
        self.stdout.write(
            f"Demo estate: {Service.objects.count()} services in "
            f"{DeliveryGroup.objects.count()} delivery groups "
            f"({added} objects added)."
        )
        if not settings.DEBUG:
            self.stdout.write(
                "No demo accounts: they have well-known passwords, so they are created "
                "only in development (OSR_DEBUG=1)."
            )
            return
        rows = [("Role", "Username", "Password", "")]
        rows += [
            (a.role, a.username, a.password, "" if a.created else "(existed already; unchanged)")
            for a in accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("Demo accounts, for development only:")
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write(("  " + "  ".join([*cells, row[3]])).rstrip())
