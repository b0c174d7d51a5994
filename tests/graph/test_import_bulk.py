"""A large import is written in bulk: a fixed number of queries whatever its size, and
an audit trail as complete, attributed and sealed as one written object by object."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osr.catalogue.models import DeliveryGroup, Dependency, PhaseChange, Service, Team
from osr.core.audit import acting_as
from osr.core.models import AuditSeal
from osr.graph.backstage import import_backstage

pytestmark = pytest.mark.django_db


def catalogue(count: int, prefix: str) -> str:
    """``count`` services of two teams in one delivery group, each needing the two before it."""
    docs = [
        f"kind: Group\nmetadata:\n  name: {prefix}-dept\nspec:\n  type: department\n",
        f"kind: User\nmetadata:\n  name: {prefix}-ann\nspec:\n  profile:\n"
        f"    email: {prefix}.ann@defra.example\n  memberOf: [{prefix}-team-0]\n",
    ]
    for team in range(2):
        docs.append(
            f"kind: Group\nmetadata:\n  name: {prefix}-team-{team}\n"
            f"spec:\n  type: team\n  parent: {prefix}-dept\n"
        )
    for number in range(count):
        needs = ", ".join(f"{prefix}-svc-{n}" for n in (number - 1, number - 2) if n >= 0)
        docs.append(
            f"kind: Component\nmetadata:\n  name: {prefix}-svc-{number}\n"
            f"spec:\n  type: service\n  owner: {prefix}-team-{number % 2}\n"
            f"  lifecycle: production\n  dependsOn: [{needs}]\n"
        )
    return "---\n".join(f"apiVersion: backstage.io/v1alpha1\n{doc}" for doc in docs)


def queries(text: str, *, by, apply: bool) -> int:
    # Bulk writes go in batches of the database's limit (999 values a statement on
    # SQLite): the one part that may grow with the size, by design. One batch here.
    with (
        mock.patch.object(
            connection.ops, "bulk_batch_size", lambda fields, objs: max(len(objs), 1)
        ),
        CaptureQueriesContext(connection) as captured,
        acting_as(by),
    ):
        result = import_backstage([("catalog-info.yaml", text)], by=by, apply=apply)
    assert result.ok, result.problems
    return len(captured.captured_queries)


def verify() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


@pytest.fixture
def warm(users):
    """Caches filled (content types) by a first import, so the counts compare alike."""
    queries(catalogue(2, "w"), by=users.admin, apply=True)
    return users


def test_a_preview_costs_the_same_queries_for_20_services_as_for_200(warm):
    users = warm
    small = queries(catalogue(20, "a"), by=users.admin, apply=False)
    large = queries(catalogue(200, "a"), by=users.admin, apply=False)
    assert small == large
    assert Service.objects.count() == 2


def test_an_import_costs_the_same_queries_for_20_services_as_for_200(warm):
    users = warm
    small = queries(catalogue(20, "a"), by=users.admin, apply=True)
    large = queries(catalogue(200, "b"), by=users.admin, apply=True)
    assert small == large
    assert Service.objects.count() == 2 + 220
    assert Dependency.objects.count() == 1 + (2 * 18 + 1) + (2 * 198 + 1)


def test_a_bulk_import_is_audited_attributed_and_sealed_like_a_save(users):
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]
    with acting_as(users.admin):
        import_backstage([("catalog-info.yaml", catalogue(5, "a"))], by=users.admin, apply=True)
    imported = LogEntry.objects.filter(pk__gt=before)
    # A service, its first phase change, a group, two teams, a person, seven
    # dependencies, and the team's new member.
    assert imported.filter(action=LogEntry.Action.CREATE).count() == 5 + 5 + 1 + 2 + 1 + 7
    member = imported.get(action=LogEntry.Action.UPDATE)
    assert member.changes == {"members": {"type": "m2m", "operation": "add", "objects": ["a-ann"]}}
    assert set(imported.values_list("actor", flat=True)) == {users.admin.pk}
    service = Service.objects.get(slug="a-svc-0")
    entry = LogEntry.objects.get_for_object(service).get()
    assert entry.object_repr == "a-svc-0"
    assert entry.changes["slug"] == ["None", "a-svc-0"]
    assert entry.changes["delivery_group"][1] == str(DeliveryGroup.objects.get(slug="a-dept").pk)
    # What auditlog itself writes for the object as stored.
    expected = model_instance_diff(None, Service.objects.get(slug="a-svc-0"))
    assert entry.changes == {name: list(change) for name, change in expected.items()}
    assert PhaseChange.objects.filter(service=service, to_phase="live").exists()
    assert Team.objects.get(slug="a-team-0").members.get().name == "a-ann"
    assert not LogEntry.objects.filter(seal__isnull=True).exists()
    assert verify()[0]


def test_each_new_object_is_audited_with_the_changes_auditlogs_own_diff_lists(users):
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True)[0]
    extra = (
        "---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: a-sys\n"
        "spec:\n  owner: a-team-0\n  lifecycle: experimental\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: a-db\n"
        "spec:\n  type: database\n  owner: a-team-0\n  system: a-sys\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: a-queue\n"
        "  description: A shared queue\nspec:\n  type: queue\n  owner: a-team-1\n"
    )
    with acting_as(users.admin):
        result = import_backstage(
            [("catalog-info.yaml", catalogue(3, "a") + extra)], by=users.admin, apply=True
        )
    assert result.ok, result.problems
    created = LogEntry.objects.filter(pk__gt=before, action=LogEntry.Action.CREATE)
    kinds = set(created.values_list("content_type__model", flat=True))
    assert {"service", "component", "externalsystem", "dependency", "phasechange"} <= kinds
    for entry in created.select_related("content_type"):
        stored = entry.content_type.get_object_for_this_type(pk=entry.object_pk)
        expected = model_instance_diff(None, stored)
        assert entry.changes == {name: list(change) for name, change in expected.items()}, entry


def test_verify_finds_a_bulk_written_entry_edited_behind_osrs_back(users):
    import_backstage([("catalog-info.yaml", catalogue(5, "a"))], by=users.admin, apply=True)
    sealed = AuditSeal.objects.order_by("-sequence").select_related("log_entry")[3]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE auditlog_logentry SET object_repr = %s WHERE id = %s",
            ["someone else", sealed.log_entry_id],
        )
    intact, report = verify()
    assert not intact
    assert f"Entry {sealed.sequence} (audit entry id {sealed.log_entry_id}" in report
    assert "was edited" in report
