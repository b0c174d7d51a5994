"""A catalogue as organisations publish it: Locations, every kind, namespaces, dotted
names, relations as Backstage spells them, and a second import changing nothing."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from osr.catalogue.models import (
    Component,
    DeliveryGroup,
    Dependency,
    ExternalSystem,
    Person,
    Service,
    Team,
)
from osr.graph.backstage import import_backstage, import_backstage_paths
from osr.graph.models import ImportedEntity

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "backstage"


def imported(users, apply=True, **kwargs):
    result = import_backstage_paths([str(FIXTURE)], by=users.admin, apply=apply, **kwargs)
    assert result.ok, [str(p) for p in result.problems]
    return result


def edges() -> set[tuple[str, str, str]]:
    return {
        (d.from_service.slug, d.target.slug, d.kind)
        for d in Dependency.objects.select_related("from_service", "to_service", "to_external")
    }


def test_every_kind_is_read_and_counted(users):
    result = imported(users)
    assert result.read == {
        "API": 3,
        "Component": 5,
        "Domain": 1,
        "Environment": 1,
        "Group": 6,
        "Location": 2,
        "Resource": 2,
        "System": 2,
        "Template": 1,
        "User": 2,
    }
    assert result.applied


def test_kinds_and_fields_osr_does_not_keep_are_listed_not_fatal(users):
    result = imported(users)
    assert result.not_kept[:3] == [
        "Domain: 1 entity (OSR keeps no domains)",
        "Environment: 1 entity (a kind OSR does not import)",
        "Template: 1 entity (a kind OSR does not import)",
    ]
    assert "metadata.tags: on 2 entities (not kept)" in result.not_kept
    assert "spec.definition: on 3 entities (not kept)" in result.not_kept
    assert any("https://github.com/DEFRA/elsewhere" in line for line in result.not_kept)


def test_groups_follow_the_type_rule_and_users_become_members(users):
    imported(users)
    groups = dict(DeliveryGroup.objects.values_list("slug", "name"))
    assert groups["farming"] == "Farming and Countryside" and groups["floods"] == "Flood Risk"
    assert "defra" not in groups  # an organisation is a container, skipped
    teams = {t.slug: t for t in Team.objects.select_related("delivery_group")}
    assert teams["grants-team"].delivery_group.slug == "farming"
    assert teams["warnings-squad"].delivery_group.slug == "floods"  # parent from children
    assert teams["payments-payments-team"].delivery_group.slug == "farming"
    jane = Person.objects.get(email="jane.doe@defra.example")
    assert jane.name == "Jane Doe"
    assert list(teams["grants-team"].members.all()) == [jane]
    assert [p.name for p in teams["warnings-squad"].members.all()] == ["Tom Bloggs"]


def test_namespaces_are_kept_apart_and_names_mapped_to_slugs(users):
    imported(users)
    orders = Service.objects.get(slug="orders")
    payments_orders = Service.objects.get(slug="payments-orders")
    assert orders.phase == "live" and payments_orders.phase == "alpha"
    assert Service.objects.get(slug="payments-legacy-billing-service").name == "Legacy billing"
    assert ImportedEntity.objects.filter(ref="component:payments/legacy.billing_service").exists()


def test_relations_as_backstage_spells_them(users):
    imported(users)
    assert edges() == {
        # consumesApis of an API provided by a component in another namespace
        ("grants-web", "payments-orders", "runtime_api"),
        # dependsOn a resource that is part of another service
        ("grants-web", "grants", "shared_component"),
        # dependsOn with the namespace of the entity that says it
        ("payments-legacy-billing-service", "payments-orders", "runtime_api"),
        # dependencyOf, reversed
        ("warnings", "gov-notify", "runtime_api"),
    }
    assert set(Component.objects.values_list("service__slug", "name", "kind")) == {
        ("grants", "grants-db", "database"),
        ("grants-web", "grants-worker", "api"),  # subcomponentOf
    }
    assert set(ExternalSystem.objects.values_list("slug", "url")) == {
        ("os-places", "https://osdatahub.os.uk/"),
        ("gov-notify", ""),
    }


def test_links_become_the_services_links(users):
    imported(users)
    web = Service.objects.get(slug="grants-web")
    assert web.dashboard_urls == ["https://grafana.defra.example/d/grants"]
    assert web.runbook_urls == ["https://wiki.defra.example/grants/runbook"]
    assert web.repository_urls == ["https://github.com/DEFRA/grants-web"]
    assert web.delivery_group.slug == "farming" and web.delivery_team.slug == "grants-team"


def test_a_second_import_changes_nothing(users):
    imported(users)
    before = (edges(), list(Service.objects.values()), ImportedEntity.objects.count())
    result = imported(users)
    assert {c.action for c in result.changes} == {"unchanged"}
    assert (edges(), list(Service.objects.values()), ImportedEntity.objects.count()) == before


def test_a_dry_run_saves_nothing(users):
    result = imported(users, apply=False)
    assert not result.applied and result.counts()["create"] >= 20
    assert not Service.objects.exists() and not ImportedEntity.objects.exists()


def test_strict_refuses_what_is_not_kept(users):
    result = import_backstage_paths([str(FIXTURE)], by=users.admin, apply=True, strict=True)
    assert not result.applied
    reported = [str(p) for p in result.problems]
    assert any(r.endswith("kind: OSR does not import Template") for r in reported)
    assert any("metadata.tags: OSR does not keep this field" in r for r in reported)


def test_uploaded_files_follow_locations_by_name(users):
    files = [
        (path.relative_to(FIXTURE).as_posix(), path.read_text())
        for path in sorted(FIXTURE.rglob("*.yaml"))
    ]
    result = import_backstage(files, by=users.admin, apply=True)
    assert result.ok, [str(p) for p in result.problems]
    assert result.read["Component"] == 5  # each file read once, however often named
    only_root = import_backstage(
        [("catalog-info.yaml", (FIXTURE / "catalog-info.yaml").read_text())],
        by=users.admin,
        apply=False,
    )
    assert str(only_root.problems[0]) == (
        "catalog-info.yaml, document 1, line 10, spec.target: org.yaml is not among the "
        "uploaded files"
    )


def test_cli_takes_a_directory_and_reports_counts(users, tmp_path):
    out = io.StringIO()
    call_command("import", "backstage", str(FIXTURE), "--by", "admin", stdout=out)
    text = out.getvalue()
    assert "Read: 3 API, 5 Component, 1 Domain" in text
    assert "Skipped Template: 1 entity (a kind OSR does not import)" in text
    assert Service.objects.filter(slug="payments-orders").exists()


def test_a_location_cannot_reach_outside_the_directory(users, tmp_path):
    inside = tmp_path / "catalogue"
    inside.mkdir()
    (tmp_path / "secret.yaml").write_text("kind: Component\nmetadata: {name: secret}\n")
    (inside / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    (inside / "catalog-info.yaml").write_text(
        "kind: Location\nmetadata: {name: x}\nspec:\n  targets:\n"
        "    - ../secret.yaml\n    - /etc/passwd\n    - ./link.yaml\n"
    )
    result = import_backstage_paths([str(inside)], by=users.admin, apply=True)
    where = f"{inside}/catalog-info.yaml, document 1"
    assert [str(p) for p in result.problems] == [
        f"{where}, line 5, spec.target: ../secret.yaml is outside the directory being imported",
        f"{where}, line 6, spec.target: /etc/passwd is an absolute path: name it relative "
        "to this file",
        f"{where}, line 7, spec.target: link.yaml is a link to a file outside the directory "
        "being imported",
    ]


def test_api_takes_strict_and_answers_the_report(api, users):
    body = {
        "files": [
            {"name": "a.yaml", "content": "kind: Template\nmetadata: {name: t}\n"},
        ]
    }
    response = api("admin").post("/api/v1/import/backstage", body)
    assert response.status_code == 200
    assert response.json()["read"] == {"Template": 1}
    assert response.json()["not_kept"] == ["Template: 1 entity (a kind OSR does not import)"]
    response = api("admin").post("/api/v1/import/backstage", body | {"strict": True})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "a.yaml, document 1": ["line 1, kind: OSR does not import Template"]
    }


def test_page_has_a_strict_checkbox_and_lists_what_is_skipped(page, users):
    client = page("admin")
    assert 'name="strict"' in client.get("/import").content.decode()
    upload = io.BytesIO(b"kind: Template\nmetadata: {name: t}\n")
    upload.name = "a.yaml"
    response = client.post("/import", {"kind": "backstage", "uploads": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "Template: 1 entity" in html
    upload.seek(0)
    response = client.post("/import", {"kind": "backstage", "uploads": upload, "strict": "on"})
    assert (
        response.status_code == 422 and "OSR does not import Template" in response.content.decode()
    )


def test_directory_without_a_root_location_reads_every_file(users, tmp_path):
    shutil.copytree(FIXTURE / "systems", tmp_path / "systems")
    shutil.copy(FIXTURE / "org.yaml", tmp_path / "org.yaml")
    shutil.copy(FIXTURE / "domains.yaml", tmp_path / "domains.yaml")
    result = import_backstage_paths([str(tmp_path)], by=users.admin, apply=True)
    assert result.ok, [str(p) for p in result.problems]
    assert result.read == {"Domain": 1, "Group": 6, "System": 2, "User": 2}
