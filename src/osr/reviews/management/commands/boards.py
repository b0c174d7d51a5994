"""``osr boards list``: the review boards from the command line, as the API lists them."""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from osr.reviews import services
from osr.reviews.api_schemas import BoardOut


class Command(BaseCommand):
    help = "List review boards: upcoming ones by default."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="List upcoming (or past) review boards")
        listing.add_argument("--past", action="store_true", help="Past boards, latest first")
        listing.add_argument("--json", action="store_true", help="Print JSON as the API does")

    def handle(self, *args, **options):
        when = "past" if options["past"] else "upcoming"
        boards = list(services.boards(when=when, today=timezone.localdate()))
        if options["json"]:
            rows = [BoardOut.model_validate(b).model_dump(mode="json") for b in boards]
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not boards:
            self.stdout.write(f"No {when} review boards.")
            return
        for board in boards:
            when_text = timezone.localtime(board.starts_at).strftime("%Y-%m-%d %H:%M")
            where = board.place or board.call_link
            self.stdout.write(
                f"{board.pk:>5}  {when_text}  {board.delivery_group.name}  "
                f"chair {board.chair.name}  {where}"
            )
            for item in board.agenda.all():
                outcome = item.in_force[0].outcome if item.in_force else "not decided"
                self.stdout.write(f"       - {item.service.name} ({item.service.slug}): {outcome}")
