"""``osr services list|show|confirm-contacts``: the catalogue from the command line.

Filters and the JSON output are the API's own (the services resource's filter
set and output), so a script gets the same fields from either.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.forms import ModelChoiceField
from django.http import QueryDict
from django.utils import timezone

from osr.catalogue.choices import Phase
from osr.catalogue.contacts import confirm_contacts, due_on
from osr.catalogue.resources import SERVICES
from osr.core.audit import AttributedCommand
from osr.core.resources import output_of

# The command-line option that sets each filter, to name it in error messages.
OPTION_OF_FILTER = {"phase": "--phase", "delivery_group": "--group", "q": "--q"}

COLUMNS = (
    ("Name", lambda s: s.name),
    ("Slug", lambda s: s.slug),
    ("Group", lambda s: s.delivery_group.name),
    ("Phase", lambda s: s.phase),
    ("Critical", lambda s: _yes_no(s.critical)),
    ("Live data", lambda s: _yes_no(s.uses_live_data)),
)


class Command(AttributedCommand):
    help = "List and show services in the catalogue; confirm a service's contacts."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="List services, optionally filtered")
        listing.add_argument("--json", action="store_true", help="Print JSON as the API does")
        listing.add_argument(
            "--phase",
            action="append",
            default=[],
            choices=Phase.values,
            help="Only services in this phase (repeat for several)",
        )
        listing.add_argument("--group", metavar="SLUG", help="Only this delivery group's services")
        listing.add_argument("--q", metavar="TEXT", help="Search names and descriptions")
        show = actions.add_parser("show", help="Show one service")
        show.add_argument("slug")
        show.add_argument("--json", action="store_true", help="Print JSON as the API does")
        confirm = actions.add_parser(
            "confirm-contacts", help="Confirm a service's owners and contacts are still right"
        )
        confirm.add_argument("slug")
        confirm.add_argument("--by", required=True, help="the username confirming them")

    def acting_user(self, options):
        username = options.get("by")
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user ‘{username}’")
        return user

    def handle(self, *args, **options):
        if options["action"] == "list":
            self.list_services(options)
        elif options["action"] == "confirm-contacts":
            self.confirm(options["slug"], self.acting_user(options))
        else:
            self.show_service(options["slug"], as_json=options["json"])

    def confirm(self, slug: str, user) -> None:
        service = SERVICES.queryset().filter(slug=slug).first()
        if service is None:
            raise CommandError(f"No service with slug {slug!r}")
        confirm_contacts(service, by=user, today=timezone.localdate())
        self.stdout.write(
            f"The contacts of {service.name} are confirmed; next due by "
            f"{due_on(service):%-d %B %Y}."
        )

    def list_services(self, options) -> None:
        data = QueryDict(mutable=True)
        data.setlist("phase", options["phase"])
        if options["group"]:
            data["delivery_group"] = options["group"]
        if options["q"]:
            data["q"] = options["q"]
        filters = SERVICES.filterset(data=data, queryset=SERVICES.queryset())
        if not filters.is_valid():
            name, messages = next(iter(filters.errors.items()))
            option = f"{OPTION_OF_FILTER.get(name, name)} {data.get(name)!r}"
            raise CommandError(f"{option}: {' '.join(messages)}")
        services = list(filters.qs)
        if options["json"]:
            self.stdout.write(_json([_api_output(service) for service in services]))
        elif not services:
            self.stdout.write("No services match.")
        else:
            self.stdout.write(_table(services))

    def show_service(self, slug: str, *, as_json: bool) -> None:
        service = SERVICES.queryset().filter(slug=slug).first()
        if service is None:
            raise CommandError(f"No service with slug {slug!r}")
        output = _api_output(service)
        if as_json:
            self.stdout.write(_json(output))
            return
        width = max(len(_label(name)) for name in output)
        for name, value in output.items():
            self.stdout.write(f"{_label(name).ljust(width)}  {_readable(service, name, value)}")


def _api_output(service) -> dict:
    # Validated through the API's output schema so that values serialise as the API's do.
    output = output_of(SERVICES, service)
    return SERVICES.schema_out.model_validate(output).model_dump(mode="json")


def _json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _table(services) -> str:
    rows = [[header for header, _value in COLUMNS]]
    rows += [[str(value(service)) for _header, value in COLUMNS] for service in services]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


def _label(name: str) -> str:
    field = SERVICES.form.base_fields.get(name)
    if field is not None and field.label:
        return str(field.label)
    return {"id": "ID", "url": "Page"}.get(name, name.replace("_", " ").capitalize())


def _readable(service, name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(SERVICES.form.base_fields.get(name), ModelChoiceField):
        # A person or team reads better by name than by the id or slug the API gives.
        return str(getattr(service, name))
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"
