"""``osr backup FILE``: a consistent snapshot of the database and the uploaded files."""

from django.core.management.base import BaseCommand, CommandError

from osr.core.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write a backup of the database and the uploaded files to FILE (a .tar.gz), "
        "consistent while OSR keeps running."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--portable",
            action="store_true",
            help="Write the database as rows (as on PostgreSQL) even on SQLite, "
            "so that it restores into either database",
        )

    def handle(self, *args, **options):
        try:
            manifest = write_backup(options["file"], portable=options["portable"])
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        files = sum(1 for name in manifest["checksums"] if name.startswith("uploads/"))
        self.stdout.write(
            f"Backed up the {manifest['engine']} database and {files} uploaded "
            f"file{'s' * (files != 1)} to {options['file']}"
        )
