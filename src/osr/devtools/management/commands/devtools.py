"""``osr devtools link|rotate|show`` for a service's code hosts, and ``osr devtools rekey``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.catalogue.models import Service
from osr.devtools import services
from osr.devtools.choices import Host
from osr.devtools.forms import IntegrationForm
from osr.devtools.models import ChangeRequest, Integration


class Command(BaseCommand):
    help = (
        "Link code hosts to a service, give one a new secret, or show its integrations and "
        "changes raised; rekey encrypts the kept webhook secrets with the first of "
        "OSR_WEBHOOK_KEYS."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        link = actions.add_parser("link", help="Link a code host; prints its secret once")
        link.add_argument("slug")
        link.add_argument("--host", required=True, choices=Host.values)
        link.add_argument("--name", required=True, help="The repository or pipeline")
        link.add_argument("--component", default="", help="The component it deploys (its name)")
        rotate = actions.add_parser("rotate", help="Give a code host a new secret; prints it once")
        rotate.add_argument("slug")
        rotate.add_argument("integration", help="The integration's id (in its webhook path)")
        show = actions.add_parser("show", help="Integrations and the latest changes raised")
        show.add_argument("slug")
        actions.add_parser("rekey", help="Encrypt kept secrets again with the first key")

    def handle(self, *args, action: str, slug: str = "", **options):
        if action == "rekey":
            changed = services.encrypt_with_first_key()
            self.stdout.write(f"Encrypted {changed} integrations' secrets with the first key")
            return None
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise CommandError(f"No service {slug}")
        if action == "link":
            return self.link(service, options)
        if action == "rotate":
            return self.rotate(service, options["integration"])
        return self.show(service)

    def rotate(self, service: Service, public_id: str) -> None:
        try:
            integration = Integration.objects.get(service=service, public_id=public_id)
        except (Integration.DoesNotExist, ValidationError):
            raise CommandError(f"{service} has no integration {public_id}") from None
        rotated, secret = services.rotate_secret(integration, by=None)
        self.stdout.write(f"New secret for {rotated} of {service}")
        self.stdout.write(f"Secret (shown only this once): {secret}")
        until = timezone.localtime(rotated.previous_secret_until)
        self.stdout.write(f"The previous secret is accepted until {until:%Y-%m-%d %H:%M %Z}")

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
            self.stdout.write(f"{integration} ({integration.public_id}): {integration.hook_path}")
        for change in ChangeRequest.objects.filter(service=service)[:20]:
            number = change.myit_number or change.get_status_display()
            self.stdout.write(f"{change.received_at:%Y-%m-%d %H:%M} {number}: {change.summary}")
