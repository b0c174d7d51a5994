"""The graph's commands: impact, incident, import and export."""

import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from osr.catalogue.models import Service

from ..factories import DependencyFactory, ExternalSystemFactory, ServiceFactory
from .test_backstage import CATALOG

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(users):
    db = ServiceFactory(
        slug="db",
        name="Database",
        phase="live",
        delivery_group=users.own,
        support_contact_email="db@defra.example",
    )
    api = ServiceFactory(slug="api", name="Api", phase="alpha", delivery_group=users.own)
    notify = ExternalSystemFactory(slug="notify", name='GOV.UK "Notify"')
    DependencyFactory(from_service=api, to_service=db)
    DependencyFactory(from_service=api, to_service=None, to_external=notify)
    return {"db": db, "api": api}


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_impact_prints_plain_text(chain):
    text = run("impact", "db")
    assert text.splitlines()[0] == "If Database (live) changes or fails"
    assert "- depth 1 (direct): Api (alpha)" in text


def test_impact_json(chain):
    body = json.loads(run("impact", "db", "--json"))
    assert [a["slug"] for a in body["results"]] == ["api"]
    assert body["summary"]["by_phase"]["alpha"] == 1


def test_incident_prints_contacts_to_paste(chain, users):
    text = run("incident", "db")
    assert "Incident contacts for Database (live)" in text
    assert "1. Api (alpha)" in text and "Why: depends on it" in text
    assert "OSR manager: Osr Manager <osr.manager@defra.example>" in text


def test_incident_json(chain):
    body = json.loads(run("incident", "db", "--json"))
    assert body["live"] is True and body["services"][0]["slug"] == "api"


def test_unknown_service_is_one_clear_error(chain):
    with pytest.raises(CommandError, match="No service with the slug ‘nowhere’"):
        run("impact", "nowhere")


def test_export_graph_as_dot_and_json(chain):
    dot = run("export", "graph", "--format", "dot")
    assert dot.startswith('digraph "osr" {')
    assert '"service:api" -> "service:db"' in dot
    assert 'GOV.UK \\"Notify\\"' in dot  # quotes in names are escaped
    body = json.loads(run("export", "graph", "--format", "json"))
    assert {e["target"] for e in body["edges"]} == {"service:db", "external:notify"}


def test_export_csv_to_a_file(chain, tmp_path):
    target = tmp_path / "catalogue.csv"
    run("export", "csv", "--output", str(target))
    assert target.read_text().splitlines()[0].startswith("record,slug,name")


def test_import_backstage_applies_and_is_attributed(users, tmp_path):
    path = tmp_path / "catalog-info.yaml"
    path.write_text(CATALOG)
    text = run("import", "backstage", str(path), "--by", "admin")
    assert "create service warnings" in text
    assert text.strip().endswith("Imported: 10 created, 0 updated, 0 removed, 1 unchanged")
    assert Service.objects.count() == 3
    entry = LogEntry.objects.get_for_object(Service.objects.get(slug="warnings")).first()
    assert entry.actor == users.admin


def test_import_backstage_dry_run_saves_nothing(users, tmp_path):
    path = tmp_path / "catalog-info.yaml"
    path.write_text(CATALOG)
    assert "Preview only, nothing saved" in run("import", "backstage", str(path), "--dry-run")
    assert not Service.objects.exists()


def test_failed_import_exits_with_one_line(users, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("kind: Component\nmetadata: {title: x}\n")
    with pytest.raises(CommandError, match="Import failed with 1 problems; nothing saved"):
        run("import", "backstage", str(path))


def test_import_csv_previews_unless_applied(chain, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(run("export", "csv").replace("Database", "Main database"))
    assert "update service db: Name: Database → Main database" in run("import", "csv", str(path))
    assert Service.objects.get(slug="db").name == "Database"
    run("import", "csv", str(path), "--apply")
    assert Service.objects.get(slug="db").name == "Main database"


def test_import_of_a_missing_file_is_one_clear_error(users, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", "csv", str(tmp_path / "missing.csv"))
