"""``osr serve``: OSR under gunicorn, as in production, with workers for the cores present."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from osr.core.serving import default_threads, default_workers


def gunicorn_argv(*, bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    """The gunicorn command line ``osr serve`` runs."""
    argv = [
        str(Path(sys.executable).parent / "gunicorn"),
        "osr.wsgi:application",
        "--config",
        "python:osr.core.serving",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
    ]
    if threads > 1:
        argv += ["--threads", str(threads), "--worker-class", "gthread"]
    return argv


class Command(BaseCommand):
    help = "Serve OSR under gunicorn, with workers for the cores present and shared metrics."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes (default: two a core, and one more)",
        )
        parser.add_argument(
            "--threads", type=int, default=default_threads(), help="threads a worker"
        )
        parser.add_argument("--timeout", type=int, default=60, help="seconds a request may take")

    def handle(self, *args, **options):
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        # A fresh directory for the workers' metric files: counts start again with the server.
        metrics = Path(settings.DATA_DIR) / "prometheus"
        shutil.rmtree(metrics, ignore_errors=True)
        metrics.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
        argv = gunicorn_argv(
            bind=options["bind"],
            workers=options["workers"],
            threads=options["threads"],
            timeout=options["timeout"],
        )
        self.stderr.write(
            f"osr: serving on http://{options['bind']} with {options['workers']} workers"
        )
        os.execv(argv[0], argv)
