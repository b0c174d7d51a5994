"""``osr token create``: issue an API bearer token for a user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from osr.core.models import ApiToken


class Command(BaseCommand):
    help = "Manage API bearer tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser(
            "create", help="Issue a token for a user and print it (it is shown only once)"
        )
        create.add_argument("username")

    def handle(self, *args, **options):
        user_model = get_user_model()
        username = options["username"]
        user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named {username!r}")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; a token would not sign them in")
        # The token alone, so that scripts can capture it.
        self.stdout.write(ApiToken.issue(user))
