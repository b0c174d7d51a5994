"""The ``osr`` command: Django's management commands under OSR's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osr.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["osr", *sys.argv[1:]])
    except ImproperlyConfigured as error:
        # A configuration mistake: one clear line, not a traceback.
        sys.exit(f"osr: {error}")


if __name__ == "__main__":
    main()
