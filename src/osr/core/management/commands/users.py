"""``osr users create``: add a user with a role, linked to the catalogue.

``osr users unlock``: lift an account's sign-in limits.
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from osr.core import ratelimit
from osr.core.accounts import AccountRefused, create_user
from osr.core.roles import ROLES


class Command(BaseCommand):
    help = "Manage OSR user accounts."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser(
            "create",
            help="Create a user with a role, their catalogue person and delivery groups",
        )
        create.add_argument("username")
        create.add_argument("--role", required=True, help=f"One of: {', '.join(ROLES)}")
        create.add_argument(
            "--group",
            action="append",
            default=[],
            metavar="SLUG",
            help="A delivery group the person belongs to (repeat for several); "
            "an OSR or live services manager is assigned as that group's manager",
        )
        create.add_argument("--email", default="")
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input "
            "(without it the user signs in through single sign-on only)",
        )
        unlock = actions.add_parser(
            "unlock",
            help="Lift the account's sign-in limits: its failed sign-ins, from every "
            "address, are forgotten",
        )
        unlock.add_argument("username")

    def handle(self, *args, **options):
        if options["action"] == "unlock":
            self.unlock(options["username"])
        else:
            self.create(options)

    def unlock(self, username: str) -> None:
        model = get_user_model()
        if not model.objects.filter(**{model.USERNAME_FIELD: username}).exists():
            raise CommandError(f"There is no user {username}")
        ratelimit.lift_limits(username)
        self.stdout.write(f"Lifted the sign-in limits of {username}")

    def create(self, options) -> None:
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = create_user(
                options["username"],
                role=options["role"],
                groups=options["group"],
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                password=password,
            )
        except AccountRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"Created user {user.get_username()} ({ROLES[options['role']]})")
