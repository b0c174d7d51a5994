"""``osr export csv`` and ``osr export graph --format json|dot``."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from osr.graph import services


class Command(BaseCommand):
    help = "Export the catalogue spreadsheet (CSV) or the dependency graph (JSON or DOT)."

    def add_arguments(self, parser):
        what = parser.add_subparsers(dest="what", required=True, metavar="{csv,graph}")
        spreadsheet = what.add_parser("csv", help="the whole catalogue, one row a record")
        spreadsheet.add_argument("--output", "-o", help="write to this file instead of printing")
        graph = what.add_parser("graph", help="the dependency graph")
        graph.add_argument("--format", choices=["json", "dot"], default="json")
        graph.add_argument("--output", "-o", help="write to this file instead of printing")

    def handle(self, *args, **options):
        if options["what"] == "csv":
            text = services.export_catalogue_csv()
        elif options["format"] == "dot":
            text = services.graph_dot()
        else:
            text = json.dumps(services.graph_json(), indent=1) + "\n"
        if options.get("output"):
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
