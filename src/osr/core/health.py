"""Liveness and readiness probes for the platform that runs OSR."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.http import require_GET

# Whether this process has seen every migration applied. Reading the migration graph
# from disk costs more than a probe should (about 7 ms of processor time, every few
# seconds), and migrations are never unapplied under a running process: once true,
# it stays true, and each probe asks the database only whether it answers.
_migrated = False


@login_not_required
@require_GET
def healthz(request):
    """The process is alive and serving requests."""
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def readyz(request):
    """The database answers and every migration is applied."""
    global _migrated
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = 0 if _migrated else pending_migrations()
    except Exception as error:  # any database failure means not ready
        return JsonResponse({"status": "unavailable", "reason": type(error).__name__}, status=503)
    if pending:
        return JsonResponse(
            {"status": "unavailable", "reason": f"{pending} migrations not applied"},
            status=503,
        )
    _migrated = True
    return JsonResponse({"status": "ok"})


def pending_migrations() -> int:
    """How many migrations the code has that the database has not applied."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
