"""A catalogue write answers in the same queries whatever the service holds, and leaves the
re-evaluation of readiness to the task worker."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from osr.core.models import ApiToken
from osr.readiness.models import ReadinessResult
from osr.readiness.results import ensure_current

from ..factories import ComponentFactory, ServiceFactory
from ..readiness.factories import EvidenceFactory

pytestmark = pytest.mark.django_db

REQUIREMENTS = ["AS-1", "AS-2", "AS-3", "AS-4", "AS-5", "LD-1", "LD-2", "PB-1"]


def _estate(users, size: int):
    """A service holding ``size`` pieces of evidence and components, and one it can need."""
    service = ServiceFactory(slug=f"flood-{size}", delivery_group=users.own, phase="alpha")
    other = ServiceFactory(slug=f"rivers-{size}", delivery_group=users.own)
    for requirement in REQUIREMENTS[:size]:
        EvidenceFactory(service=service, requirement_id=requirement)
        ComponentFactory(service=service)
    ensure_current(type(service).objects.all(), today=timezone.localdate())
    return service, other


def _writes(client, service, other) -> dict[str, list[str]]:
    """The SQL of each write of the load mix, its commit's callbacks run."""
    path = f"/api/v1/services/{service.slug}"
    etag = client.current_etag(path)
    sql: dict[str, list[str]] = {}

    def counted(name, call):
        # A token's use is recorded once a minute: not within the writes counted.
        ApiToken.objects.update(last_used=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            response = call()
            # What the commit runs: a test's transaction never commits.
            for _sids, callback, _robust in list(connection.run_on_commit):
                callback()
            connection.run_on_commit.clear()
        assert response.status_code in (200, 201, 204), response.content
        sql[name] = [q["sql"] for q in queries]
        return response

    counted("patch", lambda: client.patch(path, {"description": "Changed"}, if_match=etag))
    # Back a phase: a move forward evaluates the gate it passes, as it must.
    counted("phase", lambda: client.post(path + "/phase", {"phase": "discovery"}))
    body = {"from_service": service.slug, "to_service": other.slug, "kind": "runtime_api"}
    made = counted("add dependency", lambda: client.post("/api/v1/dependencies", body))
    dependency = f"/api/v1/dependencies/{made.json()['id']}"
    counted("remove dependency", lambda: client.delete(dependency))
    return sql


def test_writes_take_the_same_queries_at_two_sizes_and_queue_readiness(api, users):
    client = api("osr_manager")
    small, large = _estate(users, 1), _estate(users, len(REQUIREMENTS))
    _writes(client, *_estate(users, 0))  # the process's caches filled (content types)
    DBTaskResult.objects.all().delete()
    at_one = _writes(client, *small)
    at_eight = _writes(client, *large)
    assert {k: len(v) for k, v in at_one.items()} == {k: len(v) for k, v in at_eight.items()}
    for name, queries in at_eight.items():
        # The write evaluates nobody's readiness: it marks the results stale and
        # queues them for the worker, once it commits.
        assert not [q for q in queries if "readiness_evidence" in q], name
        assert [q for q in queries if "django_tasks_database_dbtaskresult" in q], name
    assert ReadinessResult.objects.filter(service=large[0], stale=True).exists()
    assert DBTaskResult.objects.filter(task_path="osr.readiness.tasks.refresh_results").count() == 8
