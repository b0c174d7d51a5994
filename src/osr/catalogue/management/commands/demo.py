"""``osr demo``: load the demo estate, and in development an account for each role."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from osr.catalogue.demo import create_demo_accounts, load_estate
from osr.catalogue.models import DeliveryGroup, Service


class Command(BaseCommand):
    help = (
        "Load the demo estate of services, groups, teams, suppliers and dependencies. "
        "Running it again adds only what is missing. In development (OSR_DEBUG=1) it also "
        "creates a demo account for each role, with a well-known password."
    )

    def handle(self, *args, **options):
        # The demo's people are fictional: emails their changes would trigger
        # (live-data notices to OSR managers, say) are kept, not sent or printed.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            added = load_estate(today=timezone.localdate())
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
        accounts = create_demo_accounts()
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
