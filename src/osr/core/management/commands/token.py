"""``osr token create|list|revoke``: API bearer tokens."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from osr.core.models import ApiToken
from osr.core.refusals import Refusal
from osr.core.tokens import services
from osr.core.tokens.services import DEFAULT_DAYS, MAX_DAYS


def _user(username: str):
    user_model = get_user_model()
    user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
    if user is None:
        raise CommandError(f"No user named {username!r}")
    return user


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "never"


class Command(BaseCommand):
    help = "Manage API bearer tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser(
            "create", help="Issue a token for a user and print it (it is shown only once)"
        )
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for")
        create.add_argument(
            "--expires-in",
            type=int,
            default=DEFAULT_DAYS,
            metavar="DAYS",
            help=f"Days until it expires (default {DEFAULT_DAYS}, at most {MAX_DAYS})",
        )
        create.add_argument(
            "--read-only", action="store_true", help="Refuse every write made with it"
        )
        listing = actions.add_parser("list", help="Tokens not revoked, of one user or everyone")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id (from list)")
        revoke.add_argument("id", type=int)

    def handle(self, *args, **options):
        actions = {"create": self.create, "list": self.list, "revoke": self.revoke}
        actions[options["action"]](options)

    def create(self, options):
        user = _user(options["username"])
        if not user.is_active:
            raise CommandError(
                f"User {options['username']!r} is inactive; a token would not sign them in"
            )
        today = timezone.localdate()
        try:
            raw = services.issue(
                user,
                name=options["name"],
                expires_on=today + dt.timedelta(days=options["expires_in"]),
                read_only=options["read_only"],
                today=today,
            )
        except Refusal as refusal:
            raise CommandError(refusal.message) from refusal
        # The token alone, so that scripts can capture it.
        self.stdout.write(raw)

    def list(self, options):
        tokens = ApiToken.objects.filter(revoked_at__isnull=True).select_related("user")
        if options["username"]:
            tokens = tokens.filter(user=_user(options["username"]))
        today = timezone.localdate()
        self.stdout.write("ID\tUSER\tNAME\tSTARTS\tACCESS\tCREATED\tLAST USED\tEXPIRES\tSTATUS")
        for token in tokens:
            fields = [
                str(token.pk),
                token.user.get_username(),
                token.name or "-",
                f"osr_{token.prefix}",
                "read-only" if token.read_only else "read-write",
                _when(token.created),
                _when(token.last_used),
                token.expires_on.isoformat() if token.expires_on else "never",
                services.status(token, today).lower(),
            ]
            self.stdout.write("\t".join(fields))

    def revoke(self, options):
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"No token with id {options['id']}")
        if token.revoked_at is not None:
            raise CommandError(f"Token {token.pk} was already revoked")
        services.revoke(token, by=None, now=timezone.now())
        self.stdout.write(f"Revoked token {token.pk} ({token.name or '-'}) of {token.user}")
