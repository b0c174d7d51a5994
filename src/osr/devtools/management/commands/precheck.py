"""``osr precheck <slug>``: before a deployment, the blast radius and whether to go ahead.

Exits 0 to proceed, 1 to proceed with the normal route, 2 to stop. An unknown
service stops too (2), so a pipeline never deploys on a mistyped name.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.catalogue.models import Service
from osr.devtools.api_precheck import precheck_answer

UNKNOWN_SERVICE = 2


class Command(BaseCommand):
    help = (
        "Before a deployment: the live services a change to the service could affect, its "
        "readiness and route, and a verdict. Exits 0 (proceed), 1 (proceed with the normal "
        "route) or 2 (stop)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the slug of the service about to be deployed")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args, **options):
        service = Service.objects.filter(slug=options["slug"]).first()
        if service is None:
            raise CommandError(
                f"No service with the slug ‘{options['slug']}’", returncode=UNKNOWN_SERVICE
            )
        answer = precheck_answer(service, now=timezone.now())
        if options["json"]:
            self.stdout.write(json.dumps(answer, indent=2))
        else:
            verdict = {"proceed": "Proceed", "normal": "Proceed with the normal route"}
            self.stdout.write(
                f"{verdict.get(answer['verdict'], 'Stop')}: {answer['reason']}\n{answer['summary']}"
            )
        self.stdout.flush()
        sys.exit(answer["exit_code"])
