"""``osr devtools link <slug> --host H --name N`` and ``osr devtools show <slug>``."""

from django.core.management.base import BaseCommand, CommandError

from osr.catalogue.models import Service
from osr.devtools import services
from osr.devtools.choices import Host
from osr.devtools.forms import IntegrationForm
from osr.devtools.models import ChangeRequest, Integration


class Command(BaseCommand):
    help = "Link code hosts to a service, or show its integrations and changes raised."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        link = actions.add_parser("link", help="Link a code host; prints its secret once")
        link.add_argument("slug")
        link.add_argument("--host", required=True, choices=Host.values)
        link.add_argument("--name", required=True, help="The repository or pipeline")
        link.add_argument("--component", default="", help="The component it deploys (its name)")
        show = actions.add_parser("show", help="Integrations and the latest changes raised")
        show.add_argument("slug")

    def handle(self, *args, action: str, slug: str, **options):
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise CommandError(f"No service {slug}")
        if action == "link":
            return self.link(service, options)
        return self.show(service)

    def link(self, service: Service, options: dict) -> None:
        component = service.components.filter(name=options["component"]).first()
        if options["component"] and component is None:
            raise CommandError(f"{service} has no component {options['component']}")
        data = {"host": options["host"], "name": options["name"], "component": component}
        form = IntegrationForm(
            {**data, "component": component.pk if component else ""}, service=service
        )
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise CommandError(f"{field}: {errors[0]}")
        integration, secret = services.create_integration(
            service, host=data["host"], name=data["name"], component=component, by=None
        )
        self.stdout.write(f"Linked {integration} to {service}")
        self.stdout.write(f"Webhook path: {integration.hook_path}")
        self.stdout.write(f"Secret (shown only this once): {secret}")

    def show(self, service: Service) -> None:
        for integration in Integration.objects.filter(service=service):
            self.stdout.write(f"{integration}: {integration.hook_path}")
        for change in ChangeRequest.objects.filter(service=service)[:20]:
            number = change.myit_number or change.get_status_display()
            self.stdout.write(f"{change.received_at:%Y-%m-%d %H:%M} {number}: {change.summary}")
