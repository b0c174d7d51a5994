"""``osr impact <slug>``: what is affected if a service changes or fails."""

import json

from django.core.management.base import BaseCommand

from osr.graph import services
from osr.graph.reports import affected_dict, affected_line, impact_dict, impact_text, summary_text

from ._common import service_named


class Command(BaseCommand):
    help = (
        "Summarise what is affected if a service changes or fails, and list the affected "
        "services a page at a time, what matters most first (live and critical first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the service's slug")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")
        parser.add_argument("--page", type=int, default=1, help="the page to list (from 1)")
        parser.add_argument(
            "--page-size", type=int, default=services.IMPACT_PAGE_SIZE, help="services a page"
        )
        parser.add_argument(
            "--all", action="store_true", help="list every affected service, not one page"
        )

    def handle(self, *args, **options):
        service = service_named(options["slug"])
        size = max(1, options["page_size"])
        result = services.impact(service, max(1, options["page"]), 0 if options["all"] else size)
        if not options["all"]:
            if options["json"]:
                self.stdout.write(json.dumps(impact_dict(result), indent=2))
            else:
                self.stdout.write(impact_text(result), ending="")
            return
        # Every service, read a chunk at a time so that a hub's thousands never sit in memory.
        chunks = services.impact_in_chunks(service)
        if options["json"]:
            answer = impact_dict(result)
            answer["results"] = [affected_dict(a) for chunk in chunks for a in chunk]
            answer["pages"] = 1
            self.stdout.write(json.dumps(answer, indent=2))
            return
        self.stdout.write(summary_text(result), ending="")
        for chunk in chunks:
            for affected in chunk:
                self.stdout.write(affected_line(affected))
