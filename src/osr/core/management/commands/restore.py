"""``osr restore FILE``: bring back the database and the uploaded files from a backup."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from osr.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those in a backup written by "
        "`osr backup`. Stop OSR's web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that already holds data",
        )

    def handle(self, *args, **options):
        try:
            manifest = restore_backup(options["file"], replace=options["yes"])
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        files = sum(1 for name in manifest["checksums"] if name.startswith("uploads/"))
        self.stdout.write(
            f"Restored the database and {files} uploaded file{'s' * (files != 1)} "
            f"from {options['file']} (taken {manifest['taken']})"
        )
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("The backup predates this version of OSR: run `osr migrate` next")
