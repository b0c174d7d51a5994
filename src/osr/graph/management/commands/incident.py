"""``osr incident <slug>``: whom to contact about an incident on a live service."""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from osr.graph import services
from osr.graph.reports import incident_dict, incident_text

from ._common import service_named


class Command(BaseCommand):
    help = (
        "List the services in development that depend on a live service, feed it data or "
        "share a component with it, what changed on them in the last 14 days, and their contacts."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the live service's slug")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args, **options):
        result = services.incidents(service_named(options["slug"]), now=timezone.now())
        if options["json"]:
            self.stdout.write(json.dumps(incident_dict(result), indent=2))
        else:
            self.stdout.write(incident_text(result), ending="")
