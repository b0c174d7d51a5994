"""A catalogue write answers in the same queries whatever the service holds, and leaves the
re-evaluation of readiness to the task worker."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from osr.catalogue.forms import ComponentForm
from osr.catalogue.models import Supplier
from osr.catalogue.resources import SERVICES
from osr.core.models import ApiToken
from osr.readiness.models import ReadinessResult
from osr.readiness.results import ensure_current

from ..browsing import forms_of
from ..factories import (
    ComponentFactory,
    PersonFactory,
    ServiceFactory,
    SupplierFactory,
    TeamFactory,
)
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
    DBTaskResult.objects.all().delete()  # each set of writes starts with no refresh queued
    at_eight = _writes(client, *large)
    assert {k: len(v) for k, v in at_one.items()} == {k: len(v) for k, v in at_eight.items()}
    for name, queries in at_eight.items():
        # The write evaluates nobody's readiness: it marks the results stale and
        # queues them for the worker, once it commits.
        assert not [q for q in queries if "readiness_evidence" in q], name
        assert [q for q in queries if "django_tasks_database_dbtaskresult" in q], name
    assert ReadinessResult.objects.filter(service=large[0], stale=True).exists()
    # The first write queued a refresh; the later ones found it waiting, to find them.
    assert DBTaskResult.objects.filter(task_path="osr.readiness.tasks.refresh_results").count() == 1


# Django's question whether a referenced row exists: SELECT 1 AS "a" FROM <table> WHERE id = …
_EXISTS = re.compile(
    r'AS "a" FROM "catalogue_(deliverygroup|team|person|service)" WHERE "\w+"\."id" ='
)


def test_a_write_asks_once_whether_each_reference_exists(api, users):
    """The form finds each reference among its choices; the model does not ask again."""
    client = api("osr_manager")
    service, other = _estate(users, 0)
    service.service_owner = PersonFactory()
    service.product_manager = PersonFactory()
    service.save()
    sql = _writes(client, service, other)
    for name in ("patch", "add dependency"):
        assert [q for q in sql[name] if _EXISTS.search(q)] == [], name


# A drop-down's look-up of its choice: SELECT … FROM <table> WHERE <table>.<key> = …
_CHOICE = re.compile(r'FROM "catalogue_(deliverygroup|team|person)" WHERE "\w+"\."(id|slug)" =')


def test_an_edit_that_keeps_the_references_does_not_look_them_up_again(api, users):
    """They came with the service: the edit asks for none of them again."""
    client = api("osr_manager")
    service, other = _estate(users, 0)
    service.delivery_team = TeamFactory(delivery_group=users.own)
    service.service_owner = PersonFactory()
    service.save()
    sql = _writes(client, service, other)
    assert [q for q in sql["patch"] if _CHOICE.search(q)] == []


def test_an_edit_that_changes_a_reference_still_finds_and_checks_it(api, users):
    client = api("osr_manager")
    service = ServiceFactory(delivery_group=users.own, service_owner=PersonFactory())
    path = f"/api/v1/services/{service.slug}"
    owner = PersonFactory()
    answer = client.patch(path, {"service_owner": owner.pk}, if_match=client.current_etag(path))
    assert answer.status_code == 200, answer.content
    service.refresh_from_db()
    assert service.service_owner == owner
    refused = client.patch(path, {"service_owner": 10**9}, if_match=client.current_etag(path))
    assert refused.status_code == 422
    assert "service_owner" in refused.json()["errors"]


def test_the_constraints_on_references_are_still_checked_by_the_form(page, users):
    """A component's name is unique within its service: the form says so, before saving."""
    service = ServiceFactory(delivery_group=users.own)
    ComponentFactory(service=service, name="Database")
    form = ComponentForm(
        data={"service": service.slug, "name": "Database", "kind": "database", "hosting": "aws"}
    )
    assert not form.is_valid()
    assert "already exists" in str(form.errors), form.errors


def test_a_new_object_s_owner_is_found_by_sql_written_once(api, users):
    """Whether the caller may add there: the group named is found without the ORM
    writing its SQL again, and an unknown one is refused as before."""
    client = api("delivery")
    body = {"name": "First", "slug": "first", "delivery_group": users.own.slug}
    assert client.post("/api/v1/services", body).status_code == 201
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True) as writes:
        group = SERVICES.owner_for_new({"delivery_group": users.own.slug})
    assert group == users.own and writes.call_count == 0
    assert SERVICES.owner_for_new({"delivery_group": "no-such-group"}) is None
    refused = client.post("/api/v1/services", body | {"slug": "second", "delivery_group": "x"})
    assert refused.status_code in (403, 422)


# Django's question whether another row holds a unique value:
# SELECT 1 AS "a" FROM <table> WHERE (<table>.<field> = … AND NOT (<table>.id = …))
_TAKEN = re.compile(r'AS "a" FROM "catalogue_\w+" WHERE \("catalogue_\w+"\."(slug|name)" = ')


def test_an_edit_does_not_ask_whether_a_value_it_keeps_is_taken(api, users):
    """A service's slug never changes: its own row holds it, so no other row can."""
    client = api("osr_manager")
    service, other = _estate(users, 0)
    sql = _writes(client, service, other)
    assert [q for q in sql["patch"] if _TAKEN.search(q)] == []


def test_a_unique_value_an_edit_changes_is_still_checked(api, page, users):
    SupplierFactory(name="Acme", slug="acme")
    SupplierFactory(name="Bolt", slug="bolt")
    client, path = api("admin"), "/api/v1/suppliers/bolt"
    refused = client.patch(path, {"name": "Acme"}, if_match=client.current_etag(path))
    assert refused.status_code == 409, refused.content  # taken, as on a create
    assert "name" in refused.json()["errors"]
    with CaptureQueriesContext(connection) as queries:
        kept = client.patch(path, {"name": "Bolt"}, if_match=client.current_etag(path))
    assert kept.status_code == 200
    assert [q["sql"] for q in queries if _TAKEN.search(q["sql"])] == []
    # The edit page, submitted as shown with the name changed to one that is taken.
    browser = page("admin")
    (form,) = [f for f in forms_of(browser.get("/suppliers/bolt/edit").content.decode(), "")
               if "name" in f.names]  # fmt: skip
    shown = browser.post(form.action or "/suppliers/bolt/edit", form.as_post() | {"name": "Acme"})
    assert shown.status_code == 422
    assert "govuk-error-summary" in shown.content.decode()
    assert Supplier.objects.get(slug="bolt").name == "Bolt"


@pytest.mark.django_db(transaction=True)  # each write a transaction of its own
def test_a_phase_move_reads_the_head_and_marks_readiness_once_and_nests_no_savepoint(api, users):
    """A phase move writes two audit entries (its history and its service) and changes
    the service twice, in one transaction: the head it moved and the row it marked
    stale are not read or marked again. An edit's save takes no savepoint inside the
    transaction that locked the service."""
    client = api("osr_manager")
    service, other = _estate(users, 1)
    sql = _writes(client, service, other)
    head = [q for q in sql["phase"] if q.startswith('SELECT "core_auditchainhead"')]
    seals = [q for q in sql["phase"] if 'INSERT INTO "core_auditseal"' in q]
    marks = [q for q in sql["phase"] if q.startswith('UPDATE "readiness_readinessresult"')]
    assert (len(head), len(seals), len(marks)) == (1, 2, 1), sql["phase"]
    assert [q for q in sql["patch"] if "SAVEPOINT" in q] == [], sql["patch"]
    assert ReadinessResult.objects.get(service=service).stale


@pytest.mark.django_db(transaction=True)
def test_a_new_service_reads_no_result_row_to_mark(api, users):
    client = api("osr_manager")
    body = {"name": "Fresh", "slug": "fresh", "delivery_group": users.own.slug}
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/api/v1/services", body).status_code == 201
    sql = [q["sql"] for q in queries]
    assert not [q for q in sql if q.startswith('UPDATE "readiness_readinessresult"')], sql
    assert len([q for q in sql if q.startswith('SELECT "core_auditchainhead"')]) == 1


def test_adding_a_dependency_asks_the_database_once_whether_it_is_already_recorded(api, users):
    """The form checks a dependency's constraints itself: one target, not on itself (no
    query), and not already recorded (one), with no check of Django's asking again."""
    service, other = _estate(users, 1)
    client = api("osr_manager")
    body = {"from_service": service.slug, "to_service": other.slug, "kind": "runtime_api"}
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/api/v1/dependencies", body).status_code == 201
    statements = [q["sql"] for q in queries]
    assert not [s for s in statements if '"_check"' in s], statements
    assert (
        len([s for s in statements if s.startswith('SELECT 1 AS "a" FROM "catalogue_dependency"')])
        == 1
    )
