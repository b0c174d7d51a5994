"""The ``osr`` command: Django's management commands under OSR's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osr.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from osr.core.refusals import Refusal

    try:
        execute_from_command_line(["osr", *sys.argv[1:]])
    except ImproperlyConfigured as error:
        # A configuration mistake: one clear line, not a traceback.
        sys.exit(f"osr: {error}")
    except Refusal as refusal:
        # An operation refused (unknown object, not allowed, invalid, in conflict):
        # the same message the pages and the API give, on one line.
        sys.exit(f"osr: {refusal.message}")


if __name__ == "__main__":
    main()
