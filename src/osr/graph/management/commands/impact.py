"""``osr impact <slug>``: what is affected if a service changes or fails."""

import json

from django.core.management.base import BaseCommand

from osr.graph import services
from osr.graph.reports import impact_dict, impact_text

from ._common import service_named


class Command(BaseCommand):
    help = "List every service affected if a service changes or fails, nearest first."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the service's slug")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args, **options):
        result = services.impact(service_named(options["slug"]))
        if options["json"]:
            self.stdout.write(json.dumps(impact_dict(result), indent=2))
        else:
            self.stdout.write(impact_text(result), ending="")
